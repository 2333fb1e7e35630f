"""Surveys (issue 7): questionnaires, campaigns, personal links, responses and results.

`services` changes data, `selectors` reads it, `permissions` decides who sees what,
`tokens` signs the personal links and `charts` draws the small result charts.
"""
