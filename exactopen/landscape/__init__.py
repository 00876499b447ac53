"""Loss landscapes of deep linear networks (the paper's Sections 5 and 6).

``network``: the model (layers, data, loss, gradient, Hessian); ``classify``: what kind of
point W is, with a certificate; ``descent``, ``global_min``, ``local_min``: the searches and
bounds it uses; ``parametric``: targets depending on a parameter; ``architectures`` and
``examples``: thm-12's construction and the paper's worked examples.
"""
