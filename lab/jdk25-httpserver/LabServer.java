// The lab app for the jdk25-httpserver family: the JDK's own com.sun.net.httpserver with one
// handler for every route (lab/README.md), written as handlers usually are: streams copied
// with loops, the IOExceptions the code catches logged with java.util.logging's
// log(WARNING, msg, e), the rest left to the server. Compiled for Java 17, run on Java 25.
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

public class LabServer {
    static final Logger LOG = Logger.getLogger(LabServer.class.getName());
    static final Path BIG = Paths.get(System.getenv("BIG_FILE"));
    static final Path UPLOADS = Paths.get(System.getenv("UPLOAD_DIR"));

    static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
        }
    }

    static Map<String, String> query(HttpExchange ex) {
        Map<String, String> q = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                q.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
            }
        }
        return q;
    }

    static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes();
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    // An outbound GET to a helper: its body copied to the client, its failure logged.
    static void proxy(HttpExchange ex, String path, int failStatus, int timeoutMs) throws IOException {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + query(ex).get("port") + path).toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(timeoutMs);
            try (InputStream in = c.getInputStream()) {
                ex.sendResponseHeaders(c.getResponseCode(), 0);
                try (OutputStream out = ex.getResponseBody()) {
                    copy(in, out);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "upstream call " + path + " failed", e);
            send(ex, failStatus, "upstream failed\n");
        }
    }

    static void download(HttpExchange ex, boolean logged) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(200, 0);
        try (InputStream in = Files.newInputStream(BIG); OutputStream out = ex.getResponseBody()) {
            copy(in, out);
        } catch (IOException e) {
            if (!logged) {
                throw e; // left to the server
            }
            LOG.log(Level.WARNING, "download of " + BIG.getFileName() + " failed", e);
        }
    }

    static void handle(HttpExchange ex) throws IOException {
        switch (ex.getRequestURI().getPath()) {
            case "/__lab/phase":
                LOG.info("LAB PHASE " + query(ex).get("name"));
                send(ex, 200, "ok\n");
                break;
            case "/small":
                send(ex, 200, "hello\n");
                break;
            case "/big":
                download(ex, false);
                break;
            case "/big-logged":
                download(ex, true);
                break;
            case "/upload": {
                Path file = Files.createTempFile(UPLOADS, "upload-", ".bin");
                try (OutputStream out = Files.newOutputStream(file)) {
                    copy(ex.getRequestBody(), out);
                    send(ex, 200, "stored\n");
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "upload failed", e);
                } finally {
                    Files.deleteIfExists(file);
                }
                break;
            }
            case "/events": {
                ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    for (int n = 0; n < 2000; n++) {
                        out.write(("data: tick " + n + "\n\n").getBytes());
                        out.flush();
                        Thread.sleep(50);
                    }
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "event stream failed", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                break;
            }
            case "/boom": {
                String user = null;
                send(ex, 200, "length " + user.length());
                break;
            }
            case "/outbound/reset":
            case "/outbound/refused":
            case "/outbound/fetch-reset":
                proxy(ex, "/quote", 502, 5000);
                break;
            case "/outbound/partial":
                proxy(ex, "/report", 502, 5000);
                break;
            case "/outbound/timeout":
                proxy(ex, "/quote", 504, 300);
                break;
            case "/outbound/epipe":
                try (Socket s = new Socket("127.0.0.1", Integer.parseInt(query(ex).get("port")))) {
                    OutputStream sink = s.getOutputStream();
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 64; i++) {
                        sink.write(chunk);
                    }
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "push to the report sink failed", e);
                }
                send(ex, 502, "sink failed\n");
                break;
            default:
                send(ex, 404, "not found\n");
        }
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv("PORT"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        server.createContext("/", ex -> {
            try {
                handle(ex);
            } catch (RuntimeException e) {
                // The server itself would drop the connection without an answer.
                LOG.log(Level.SEVERE, "request " + ex.getRequestURI() + " failed", e);
                send(ex, 500, "internal error\n");
            } finally {
                ex.close();
            }
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        LOG.info("listening on 127.0.0.1:" + port + " (Java " + Runtime.version() + ")");
    }
}
