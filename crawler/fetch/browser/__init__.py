"""Chromium for the few requests that need it, through scrapy-playwright, with every exchange archived.

Which requests use the browser is decided elsewhere: the spider renders a listing page whose links only a
script writes (spiders/portal.py), a registry entry with ``"browser": true`` renders all listing and
navigation pages of its portal, and crawler/fetch/antibot.py moves a host that answers with an anti-bot
challenge to the browser. They all call ``routing.use_browser`` (or ``routing.browser_request``); everything
else stays on Scrapy's own HTTP client. Files are never archived from a browser navigation: routing.py.

What happens to a browser request:

* ``handler.BrowserDownloadHandler`` (scrapy-playwright's handler, started lazily: a crawl that never needs the
  browser never starts Playwright's driver or Chromium) opens a page in the context of the request's host
  (``playwright_context`` = host: one context per host, reused, so a cookie that a challenge script
  computed serves the host's later pages). Requests outside the portal's hosts and images, fonts, media
  and style sheets are aborted.
* ``capture.BrowserCaptureMiddleware`` attaches, for each attempt, a ``page.PageTracker``: it listens to the
  page's ``response`` events and keeps the main document's responses (the challenge page and the page after
  the reload included) and the XHR/fetch responses, each with status, ``status_text``, raw headers
  (``headers_array()``), HTTP version, the request as sent and the body. Its page method waits until the
  main frame holds a document that is not a challenge, that document has loaded and the network is idle
  (scripts that load the list by XHR are done), or gives up after ``BROWSER_CHALLENGE_RELOADS`` challenge
  pages or ``BROWSER_CHALLENGE_TIMEOUT`` seconds: ``ChallengeNotPassed`` when it saw a challenge (the
  host's failure, crawler/fetch/antibot.py), ``BrowserTimeout`` when it did not (a slow page, retried).
* When the page is done the middleware writes each exchange with
  ``archive.capture.capture_exchange`` (``browser=True``): Playwright hands over decoded bodies, so
  ``Content-Encoding`` is dropped and the WARC writer sets ``Content-Length`` to the stored length. The
  rendered DOM goes into its own ``resource`` record under ``urn:rendered-dom:<url>`` (``WARC-Concurrent-To``
  the page's response record), never under the page URL. ``request.meta["warc"]`` points at the page's
  response record, as for a plain fetch.
* The response handed on has the status and headers of the final document (scrapy-playwright would report
  the first one, e.g. the 412 of a challenge). Its body is the rendered DOM for listing and navigation
  pages (the links are what the spider wants) and the body as served for reports and non-HTML documents
  (robots.txt, attachments): report text is extracted from the same bytes the WARC holds.
"""
