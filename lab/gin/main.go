// The lab app of the gin family: gin.Default() (its Logger's access lines on stdout, its
// Recovery on stderr) in release mode, as gin services run in production. Handlers answer in
// gin's idiom: c.DataFromReader and c.File for downloads, c.Stream for server-sent events,
// c.AbortWithError for failures (the Logger prints the error under the access line). Routes
// and the phase marker: lab/README.md.
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
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
)

var uploadSeq int64

func helper(c *gin.Context, path string) string {
	return fmt.Sprintf("http://127.0.0.1:%s%s", c.Query("port"), path)
}

func main() {
	big := os.Getenv("BIG_FILE")
	uploads := os.Getenv("UPLOAD_DIR")
	r := gin.Default()
	r.GET("/__lab/phase", func(c *gin.Context) {
		log.Printf("LAB PHASE %s", c.Query("name"))
		c.String(http.StatusOK, "ok\n")
	})
	r.GET("/small", func(c *gin.Context) { c.String(http.StatusOK, "hello\n") })
	// c.DataFromReader: gin's render.Reader copies into the response and panics on a write
	// error, which Recovery catches.
	r.GET("/big", func(c *gin.Context) {
		f, err := os.Open(big)
		if err != nil {
			c.AbortWithError(http.StatusInternalServerError, err)
			return
		}
		defer f.Close()
		st, _ := f.Stat()
		c.DataFromReader(http.StatusOK, st.Size(), "application/octet-stream", f, nil)
	})
	// c.File: http.ServeFile, which ignores the copy's error.
	r.GET("/big-file", func(c *gin.Context) { c.File(big) })
	r.POST("/upload", func(c *gin.Context) {
		name := filepath.Join(uploads, fmt.Sprintf("upload-%d-%d", os.Getpid(), atomic.AddInt64(&uploadSeq, 1)))
		f, err := os.Create(name)
		if err != nil {
			c.AbortWithError(http.StatusInternalServerError, err)
			return
		}
		defer os.Remove(name)
		defer f.Close()
		if _, err := io.Copy(f, c.Request.Body); err != nil {
			c.AbortWithError(http.StatusBadRequest, err)
			return
		}
		c.String(http.StatusOK, "stored\n")
	})
	r.GET("/events", func(c *gin.Context) {
		c.Header("Content-Type", "text/event-stream")
		n := 0
		c.Stream(func(w io.Writer) bool {
			fmt.Fprintf(w, "data: tick %d\n\n", n)
			n++
			time.Sleep(50 * time.Millisecond)
			return n < 2000
		})
	})
	r.GET("/boom", func(c *gin.Context) {
		var user *struct{ Name string }
		c.String(http.StatusOK, user.Name)
	})
	client := &http.Client{}
	relay := func(c *gin.Context, cl *http.Client, path string, status int) {
		req, _ := http.NewRequestWithContext(c.Request.Context(), http.MethodGet, helper(c, path), nil)
		resp, err := cl.Do(req)
		if err != nil {
			c.AbortWithError(status, err)
			return
		}
		defer resp.Body.Close()
		c.Status(resp.StatusCode)
		if _, err := io.Copy(c.Writer, resp.Body); err != nil {
			c.Error(err)
		}
	}
	r.GET("/outbound/reset", func(c *gin.Context) { relay(c, client, "/quote", http.StatusBadGateway) })
	r.GET("/outbound/fetch-reset", func(c *gin.Context) { relay(c, client, "/quote", http.StatusBadGateway) })
	r.GET("/outbound/refused", func(c *gin.Context) { relay(c, client, "/quote", http.StatusBadGateway) })
	r.GET("/outbound/partial", func(c *gin.Context) { relay(c, client, "/report", http.StatusBadGateway) })
	timeoutClient := &http.Client{Timeout: 300 * time.Millisecond}
	r.GET("/outbound/timeout", func(c *gin.Context) { relay(c, timeoutClient, "/quote", http.StatusGatewayTimeout) })
	r.GET("/outbound/epipe", func(c *gin.Context) {
		conn, err := net.Dial("tcp", "127.0.0.1:"+c.Query("port"))
		if err != nil {
			c.AbortWithError(http.StatusBadGateway, err)
			return
		}
		defer conn.Close()
		chunk := []byte(strings.Repeat("z", 64*1024))
		for i := 0; i < 64; i++ {
			if _, err := conn.Write(chunk); err != nil {
				c.AbortWithError(http.StatusBadGateway, err)
				return
			}
		}
		c.Status(http.StatusBadGateway)
	})
	addr := "127.0.0.1:" + os.Getenv("PORT")
	log.Printf("gin %s on http://%s (%s, pid %d)", gin.Version, addr, runtime.Version(), os.Getpid())
	log.Fatal(r.Run(addr))
}
