// Package dashboard is the web dashboard of `nomia serve`: a small page,
// plain HTML, CSS and JavaScript embedded in the binary, that lists the
// server's programs with their state and counters, starts one from an
// uploaded package or a reference, pauses, resumes and stops it, and watches
// its live events and map snapshots (log2 histograms drawn as BCC draws them).
//
// The page is a client of the server's REST API under /v1, like `nomia
// remote`: it holds no state of its own on the server. Mount Handler as the
// server's Config.Dashboard. Nothing is fetched from elsewhere (no CDN): the
// machines nomia runs on often have no internet access, and the Content
// Security Policy the handler sends forbids it.
//
// The token, when the server needs one, is entered once and kept in the
// tab's sessionStorage; it goes out as an "Authorization: Bearer" header on
// every call. Streams (Server-Sent Events) are read with fetch() and a
// stream reader rather than EventSource, which cannot send that header.
//
// `nomia serve` mounts it: open http://127.0.0.1:8527/ and paste the token
// from /var/lib/nomia/token. The files, in static/, need no build step:
// index.html and style.css; sse.js reads event streams; maps.js draws map
// entries (histograms as libbpf-tools print them); app.js is the rest of the
// page. Their tests run in headless Chromium (see the _test.go files).
package dashboard
