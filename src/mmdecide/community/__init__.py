"""The community: members record their maintenance experience privately and see anonymized
aggregates of members like them, kept visibly apart from the trial-based estimates.

Its own part of the tree (models, store, aggregates, pages); the web app includes its pages with
one line, and evidence, engine and personal never import it. The aggregates reuse the engine's
Kaplan-Meier estimator.
"""
