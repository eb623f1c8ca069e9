// The lab app of the go-nethttp family: Go's own net/http, written as an ordinary Go service
// is: handlers copy with io.Copy and log what goes wrong with log.Printf (the log package's
// default "2006/01/02 15:04:05 " prefix on stderr), outbound calls with an http.Client, a
// recovery middleware that logs a panic with its stack and answers 500. Routes and the phase
// marker: lab/README.md.
//
// LAB_TLS_PORT (go-tls): also serve the same handler over HTTPS on that port, with the
// certificate LAB_TLS_CERT and key LAB_TLS_KEY; the server's ErrorLog is the same logger.
package main

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"
)

var uploadSeq int64

func outbound(w http.ResponseWriter, status int, what string, err error) {
	log.Printf("%s: %v", what, err)
	w.WriteHeader(status)
}

func helper(r *http.Request, path string) string {
	return fmt.Sprintf("http://127.0.0.1:%s%s", r.URL.Query().Get("port"), path)
}

func routes() *http.ServeMux {
	big := os.Getenv("BIG_FILE")
	uploads := os.Getenv("UPLOAD_DIR")
	mux := http.NewServeMux()
	mux.HandleFunc("/__lab/phase", func(w http.ResponseWriter, r *http.Request) {
		log.Printf("LAB PHASE %s", r.URL.Query().Get("name"))
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("/small", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "hello\n")
	})
	// A chunked download: io.Copy through the response's buffered writer.
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(big)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer f.Close()
		w.Header().Set("Content-Type", "application/octet-stream")
		if _, err := io.Copy(w, f); err != nil {
			log.Printf("download %s: %v", r.URL.Path, err)
		}
	})
	// With a Content-Length: net/http hands the file to the connection's ReadFrom (sendfile).
	mux.HandleFunc("/big-len", func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(big)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer f.Close()
		st, _ := f.Stat()
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", fmt.Sprint(st.Size()))
		if _, err := io.Copy(w, f); err != nil {
			log.Printf("download %s: %v", r.URL.Path, err)
		}
	})
	mux.HandleFunc("/upload", func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Join(uploads, fmt.Sprintf("upload-%d-%d", os.Getpid(), atomic.AddInt64(&uploadSeq, 1)))
		f, err := os.Create(name)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer os.Remove(name)
		defer f.Close()
		if _, err := io.Copy(f, r.Body); err != nil {
			log.Printf("upload: %v", err)
			http.Error(w, "upload failed", http.StatusBadRequest)
			return
		}
		io.WriteString(w, "stored\n")
	})
	mux.HandleFunc("/events", func(w http.ResponseWriter, r *http.Request) {
		flusher := w.(http.Flusher)
		w.Header().Set("Content-Type", "text/event-stream")
		for n := 0; n < 2000; n++ {
			if _, err := fmt.Fprintf(w, "data: tick %d\n\n", n); err != nil {
				log.Printf("events: %v", err)
				return
			}
			flusher.Flush()
			time.Sleep(50 * time.Millisecond)
		}
	})
	mux.HandleFunc("/boom", func(w http.ResponseWriter, r *http.Request) {
		var user *struct{ Name string }
		io.WriteString(w, user.Name)
	})
	client := &http.Client{}
	get := func(w http.ResponseWriter, r *http.Request, what string) {
		resp, err := client.Get(helper(r, "/quote"))
		if err != nil {
			outbound(w, http.StatusBadGateway, what, err)
			return
		}
		defer resp.Body.Close()
		io.Copy(w, resp.Body)
	}
	mux.HandleFunc("/outbound/reset", func(w http.ResponseWriter, r *http.Request) { get(w, r, "quote service") })
	mux.HandleFunc("/outbound/refused", func(w http.ResponseWriter, r *http.Request) { get(w, r, "quote service") })
	mux.HandleFunc("/outbound/fetch-reset", func(w http.ResponseWriter, r *http.Request) {
		req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, helper(r, "/quote"), nil)
		resp, err := client.Do(req)
		if err != nil {
			outbound(w, http.StatusBadGateway, "quote service", err)
			return
		}
		defer resp.Body.Close()
		io.Copy(w, resp.Body)
	})
	mux.HandleFunc("/outbound/partial", func(w http.ResponseWriter, r *http.Request) {
		resp, err := client.Get(helper(r, "/report"))
		if err != nil {
			outbound(w, http.StatusBadGateway, "report service", err)
			return
		}
		defer resp.Body.Close()
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		if _, err := io.Copy(w, resp.Body); err != nil {
			log.Printf("report service: relaying the report: %v", err)
		}
	})
	mux.HandleFunc("/outbound/epipe", func(w http.ResponseWriter, r *http.Request) {
		conn, err := net.Dial("tcp", "127.0.0.1:"+r.URL.Query().Get("port"))
		if err != nil {
			outbound(w, http.StatusBadGateway, "audit sink", err)
			return
		}
		defer conn.Close()
		chunk := []byte(strings.Repeat("z", 64*1024))
		for i := 0; i < 64; i++ {
			if _, err := conn.Write(chunk); err != nil {
				outbound(w, http.StatusBadGateway, "audit sink", err)
				return
			}
		}
		w.WriteHeader(http.StatusBadGateway)
	})
	timeoutClient := &http.Client{Timeout: 300 * time.Millisecond}
	mux.HandleFunc("/outbound/timeout", func(w http.ResponseWriter, r *http.Request) {
		resp, err := timeoutClient.Get(helper(r, "/quote"))
		if err != nil {
			outbound(w, http.StatusGatewayTimeout, "quote service", err)
			return
		}
		defer resp.Body.Close()
		io.Copy(w, resp.Body)
	})
	return mux
}

// recovered logs a handler's panic with its stack and answers 500, as services' middleware does.
func recovered(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if err := recover(); err != nil {
				if err == http.ErrAbortHandler {
					panic(err)
				}
				log.Printf("panic serving %s %s: %v\n%s", r.Method, r.URL.Path, err, debug.Stack())
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		h.ServeHTTP(w, r)
	})
}

func main() {
	handler := recovered(routes())
	if port := os.Getenv("LAB_TLS_PORT"); port != "" {
		tlsServer := &http.Server{Addr: "127.0.0.1:" + port, Handler: handler}
		go func() {
			log.Fatal(tlsServer.ListenAndServeTLS(os.Getenv("LAB_TLS_CERT"), os.Getenv("LAB_TLS_KEY")))
		}()
	}
	addr := "127.0.0.1:" + os.Getenv("PORT")
	log.Printf("listening on http://%s (%s, pid %d)", addr, runtime.Version(), os.Getpid())
	log.Fatal(http.ListenAndServe(addr, handler))
}
