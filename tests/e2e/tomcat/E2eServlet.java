package e2e;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The web application of tests/e2e/tomcat.sh (deployed as /e2e). Loopback only.
 *
 * <pre>
 * GET /e2e/hello                 200 "hello"                     (ordinary traffic)
 * GET /e2e/stream?via=jul|print|print-lines
 *                                streams 256 MiB in flushed 16 KiB chunks; when a write fails
 *                                (the client went away) it logs the ClientAbortException once:
 *                                via=jul   with java.util.logging at WARNING (JULI's console
 *                                          handler: a header line and a tab-indented trace, which
 *                                          reaches System.err in one write),
 *                                via=print-lines with e.printStackTrace() (System.err, no header:
 *                                          one write per line, so a busy JVM can pause for
 *                                          milliseconds in the middle of a trace),
 *                                via=print the same bytes as e.printStackTrace(), formatted first
 *                                          and written to System.err in one write
 * GET /e2e/npe                   a NullPointerException, logged at SEVERE with JUL, 500
 * GET /e2e/refused               an OUTBOUND connect to a closed 127.0.0.1 port: ConnectException:
 *                                Connection refused, printed with e.printStackTrace(), 502
 * GET /e2e/backend-reset?op=read|write
 *                                an OUTBOUND socket to a local "backend" that answers with a TCP
 *                                RST: java.net.SocketException: Connection reset (read) or
 *                                Connection reset by peer / Broken pipe (write), logged at SEVERE
 *                                with JUL, 502. A look-alike: a reset inside a Tomcat request
 *                                thread that is not the client's.
 * GET /e2e/mark                  logs "Traffic done" at INFO with JUL (the test waits for it), 200
 * GET /e2e/stats                 what this servlet did and logged so far, one tab-separated line
 *                                per kind with its count last, e.g.
 *                                "abort  jul  ClientAbortException  Broken pipe  10"
 * </pre>
 *
 * Every record this servlet logs is written under one lock, so that two request threads' records
 * never interleave line by line in catalina.out (printStackTrace() and JULI's ConsoleHandler are
 * two writers on System.err; a record split across two writes could otherwise be cut by another
 * thread's, and resetsquash by design keeps a record whose shape does not hold together).
 */
@WebServlet(urlPatterns = {"/hello", "/stream", "/npe", "/refused", "/backend-reset", "/stats", "/mark"})
public class E2eServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(E2eServlet.class.getName());
    private static final Object LOG_LOCK = new Object();
    private static final Map<String, AtomicInteger> COUNTS = new ConcurrentHashMap<>();

    private static final long STREAM_BYTES = 256L * 1024 * 1024;
    private static final int CHUNK = 16 * 1024;

    private static void count(String key) {
        COUNTS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        switch (req.getServletPath()) {
            case "/hello":
                text(resp, 200, "hello\n");
                break;
            case "/stream":
                stream(req, resp);
                break;
            case "/npe":
                npe(req, resp);
                break;
            case "/refused":
                refused(resp);
                break;
            case "/backend-reset":
                backendReset(req, resp);
                break;
            case "/mark":
                mark(resp);
                break;
            case "/stats":
                StringBuilder sb = new StringBuilder();
                for (Map.Entry<String, AtomicInteger> e : new TreeMap<>(COUNTS).entrySet()) {
                    sb.append(e.getKey()).append('\t').append(e.getValue().get()).append('\n');
                }
                text(resp, 200, sb.toString());
                break;
            default:
                resp.sendError(404);
        }
    }

    private static void text(HttpServletResponse resp, int status, String body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/plain;charset=UTF-8");
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }

    private void mark(HttpServletResponse resp) throws IOException {
        synchronized (LOG_LOCK) {
            LOG.info("Traffic done");
        }
        text(resp, 200, "marked\n");
    }

    private void stream(HttpServletRequest req, HttpServletResponse resp) {
        String via = req.getParameter("via");
        count("stream\tstarted");
        long sent = 0;
        try {
            resp.setContentType("application/octet-stream");
            ServletOutputStream out = resp.getOutputStream();
            byte[] chunk = new byte[CHUNK];
            Arrays.fill(chunk, (byte) 'x');
            while (sent < STREAM_BYTES) {
                out.write(chunk);
                out.flush();
                sent += chunk.length;
            }
            count("stream\tcompleted");
        } catch (IOException e) {
            // What was logged, by how and what: "abort\tjul\tClientAbortException\tBroken pipe".
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String what = "abort\t" + via + "\t" + e.getClass().getSimpleName() + "\t" + cause.getMessage();
            synchronized (LOG_LOCK) {
                if ("print-lines".equals(via)) {
                    e.printStackTrace();
                    System.err.flush();
                } else if ("print".equals(via)) {
                    StringWriter trace = new StringWriter();
                    e.printStackTrace(new PrintWriter(trace));
                    System.err.print(trace);
                    System.err.flush();
                } else {
                    LOG.log(Level.WARNING, "Export stream to " + req.getRemoteAddr() + " aborted after "
                            + sent + " bytes", e);
                }
                count(what);
            }
        }
    }

    private static String lookupCustomer(Map<String, String> customers, String id) {
        return customers.get(id).trim(); // null for an unknown id: a genuine bug
    }

    private void npe(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        try {
            lookupCustomer(new HashMap<>(), "c-" + req.getParameter("id"));
        } catch (RuntimeException e) {
            synchronized (LOG_LOCK) {
                LOG.log(Level.SEVERE, "Customer lookup failed for id " + req.getParameter("id"), e);
                count("error\tnpe");
            }
            text(resp, 500, "lookup failed\n");
        }
    }

    private void refused(HttpServletResponse resp) throws IOException {
        int port;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort(); // free now, and closed (nobody listens) once ss is closed
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            text(resp, 200, "connected?\n");
        } catch (IOException e) {
            synchronized (LOG_LOCK) {
                e.printStackTrace();
                System.err.flush();
                count("error\trefused");
            }
            text(resp, 502, "backend refused\n");
        }
    }

    /** A backend on 127.0.0.1 that accepts one connection, reads a little, and resets it. */
    private static ServerSocket resettingBackend() throws IOException {
        ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ss.setSoTimeout(5000);
        Thread t = new Thread(() -> {
            try (ServerSocket server = ss; Socket c = server.accept()) {
                c.setSoTimeout(5000);
                c.getInputStream().read(new byte[256]);
                c.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // the test sees the outcome in the servlet's log record
            }
        }, "e2e-resetting-backend");
        t.setDaemon(true);
        t.start();
        return ss;
    }

    private void backendReset(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        boolean write = "write".equals(req.getParameter("op"));
        ServerSocket backend = resettingBackend();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), backend.getLocalPort()), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            if (write) {
                // Push a batch bigger than the socket buffers: the backend's RST arrives mid-way.
                byte[] batch = new byte[64 * 1024];
                for (int i = 0; i < 4096; i++) {
                    out.write(batch);
                }
            } else {
                out.write("GET /quote HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                in.read(new byte[256]);
            }
            text(resp, 200, "backend answered?\n");
        } catch (IOException e) {
            synchronized (LOG_LOCK) {
                LOG.log(Level.SEVERE, (write ? "Failed to push batch to inventory backend 127.0.0.1:"
                        : "Quote backend call failed: 127.0.0.1:") + backend.getLocalPort(), e);
                count("error\tbackend-reset-" + (write ? "write" : "read") + "\t" + e.getMessage());
            }
            text(resp, 502, "backend reset\n");
        }
    }
}
