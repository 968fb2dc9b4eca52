package dashboard

import (
	"embed"
	"io/fs"
	"net/http"
)

// static holds the page. Its files are served as they are: there is no build
// step, so what is in the repository is what the browser runs.
//
//go:embed static
var static embed.FS

// csp allows only the dashboard's own files and same-origin API calls: the
// page must work without internet access, and an injected script or style
// from an event's data must not run.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Files returns the dashboard's files: index.html and the scripts and
// styles it loads.
func Files() fs.FS {
	files, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded directory is fixed at build time
	}
	return files
}

// Handler serves the dashboard: index.html at "/", and its scripts and
// styles beside it. Other paths answer 404.
func Handler() http.Handler {
	fileServer := http.FileServerFS(Files())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, r.Method+" "+r.URL.Path+": method not allowed, the dashboard only serves pages (the API is under /v1)", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		// The files change with the binary, which has no content hashes in
		// their names: revalidate rather than cache stale scripts.
		h.Set("Cache-Control", "no-cache")
		fileServer.ServeHTTP(w, r)
	})
}
