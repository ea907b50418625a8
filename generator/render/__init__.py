"""Render stage: the site model -> pages through a Jinja theme, only those whose inputs changed.

`stage.py` runs it: `prepare_site` builds the site model, the template environment and the
list of pages; `render_pages` renders the pages whose dependencies changed since the last build
(recorded while each page renders: deps.py, fingerprints.py) into the staged output, carrying
the others over; `stage_site_files` adds the theme's static files, robots.txt, the feeds and the
sitemap; `stage_derived_files`, called last, the offline zip, service worker and precompressed
twins (publish.py). The pipeline commits. `uptodate.py` tells, before any of this is loaded,
whether a build has anything to do.
"""
