"""Named numerical tolerances: the one place where tests say how close is close enough.

Against R golden files the engine should match to floating-point noise unless the method is
iterative (optimizers), where the tolerance reflects the optimizer's convergence criterion.
"""

# Closed-form estimators (Kaplan-Meier, Greenwood, log-rank, Aalen-Johansen, RMST): same formulas as R.
EXACT = 1e-9
# Cox partial-likelihood fits solved by Newton iterations (R coxph converges to ~1e-9 relative).
COX = 1e-6
# Parametric maximum-likelihood fits (R survreg vs scipy/lifelines optimizers).
PARAMETRIC = 1e-4
# Meta-analysis: FE and DL are closed form; REML and PM iterate (metafor run with tol=1e-12).
META_CLOSED = 1e-10
META_ITERATIVE = 1e-7
