// The lab app of the go-reverseproxy family: net/http/httputil.ReverseProxy with its default
// error handler and logger (the log package on stderr), as a Go front proxy is commonly
// written. It answers the phase marker itself and sends /outbound/* straight to the helper
// the client names (?port=P): those are the backend failures. Everything else goes to the
// backend at BACKEND_PORT (the go-nethttp app, whose own log is not this family's).
package main

import (
	"io"
	"log"
	"net/http"
	"net/http/httputil"
	"os"
	"runtime"
	"strings"
	"time"
)

func main() {
	backend := "127.0.0.1:" + os.Getenv("BACKEND_PORT")
	helperPath := map[string]string{
		"/outbound/reset":       "/quote",
		"/outbound/fetch-reset": "/quote",
		"/outbound/refused":     "/quote",
		"/outbound/timeout":     "/quote",
		"/outbound/partial":     "/report",
		"/outbound/epipe":       "/audit",
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.ResponseHeaderTimeout = 300 * time.Millisecond
	proxy := &httputil.ReverseProxy{
		Transport: transport,
		Director: func(r *http.Request) {
			r.URL.Scheme = "http"
			r.URL.Host = backend
			if p, ok := helperPath[r.URL.Path]; ok {
				r.URL.Host = "127.0.0.1:" + r.URL.Query().Get("port")
				r.URL.Path = p
				r.URL.RawQuery = ""
			}
		},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/__lab/phase", func(w http.ResponseWriter, r *http.Request) {
		log.Printf("LAB PHASE %s", r.URL.Query().Get("name"))
		io.WriteString(w, "ok\n")
	})
	mux.Handle("/", proxy)
	addr := "127.0.0.1:" + os.Getenv("PORT")
	log.Printf("proxy on http://%s to http://%s (%s, pid %d)", addr, backend, strings.TrimSpace(runtime.Version()), os.Getpid())
	log.Fatal(http.ListenAndServe(addr, mux))
}
