"""WF3's skills: the writing style (S14), the script (S15), scenes (S19), packaging (S20),
YouTube metadata (S21), the originality guard, and how a draft becomes a page body.

`draft.draft_production` runs them in order for one production; `render` turns the
result into blocks for the page and a dict for `--json`. See docs/scripting.md.
"""
