// The lab app for the jetty9 families: an embedded Jetty 9.4 server (Debian's libjetty9-java)
// with one servlet per route, written as servlet code usually is: streams copied with
// loops, IOExceptions that the code catches logged with the logger's warn(msg, throwable), the
// rest left to Jetty. Jetty's Log picks StdErrLog by default and slf4j when it is on the class
// path (the jetty9-slf4j family). Routes and the phase marker: lab/README.md.
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.util.log.Log;
import org.eclipse.jetty.util.log.Logger;

public class LabServer {
    static final Logger LOG = Log.getLogger(LabServer.class);
    static final Path BIG = Paths.get(System.getenv("BIG_FILE"));
    static final Path UPLOADS = Paths.get(System.getenv("UPLOAD_DIR"));

    interface Route {
        void handle(HttpServletRequest req, HttpServletResponse res) throws Exception;
    }

    static HttpServlet servlet(Route route) {
        return new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse res) throws java.io.IOException {
                try {
                    route.handle(req, res);
                } catch (IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }
        };
    }

    static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
        }
    }

    // An outbound GET to a helper: its body copied to the client, its failure logged and 502.
    static void proxy(HttpServletRequest req, HttpServletResponse res, String path, int failStatus, int timeoutMs) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + req.getParameter("port") + path).openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(timeoutMs);
            try (InputStream in = c.getInputStream()) {
                res.setStatus(c.getResponseCode());
                copy(in, res.getOutputStream());
            }
        } catch (IOException e) {
            LOG.warn("upstream call " + path + " failed", e);
            if (!res.isCommitted()) {
                res.setStatus(failStatus);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector http = new ServerConnector(server);
        http.setHost("127.0.0.1");
        http.setPort(Integer.parseInt(System.getenv("PORT")));
        server.addConnector(http);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.addServlet(new org.eclipse.jetty.servlet.ServletHolder(servlet((req, res) -> {
            LOG.info("LAB PHASE " + req.getParameter("name"));
            res.getWriter().print("ok\n");
        })), "/__lab/phase");
        ctx.addServlet(new org.eclipse.jetty.servlet.ServletHolder(servlet((req, res) -> {
            res.setContentType("text/plain");
            res.getWriter().print("hello\n");
        })), "/small");
        // A download left to Jetty: what the container logs by itself.
        ctx.addServlet(new org.eclipse.jetty.servlet.ServletHolder(servlet((req, res) -> {
            res.setContentType("application/octet-stream");
            try (InputStream in = Files.newInputStream(BIG)) {
                copy(in, res.getOutputStream());
            }
        })), "/big");
        // The same, where the code catches the write failure and logs it.
        ctx.addServlet(new org.eclipse.jetty.servlet.ServletHolder(servlet((req, res) -> {
            res.setContentType("application/octet-stream");
            try (InputStream in = Files.newInputStream(BIG)) {
                copy(in, res.getOutputStream());
            } catch (IOException e) {
                LOG.warn("download of " + BIG.getFileName() + " failed", e);
            }
        })), "/big-logged");
        ctx.addServlet(new org.eclipse.jetty.servlet.ServletHolder(servlet((req, res) -> {
            Path file = Files.createTempFile(UPLOADS, "upload-", ".bin");
            try (OutputStream out = Files.newOutputStream(file)) {
                copy(req.getInputStream(), out);
                res.getWriter().print("stored\n");
            } catch (IOException e) {
                LOG.warn("upload failed", e);
            } finally {
                Files.deleteIfExists(file);
            }
        })), "/upload");
        ctx.addServlet(new org.eclipse.jetty.servlet.ServletHolder(servlet((req, res) -> {
            res.setContentType("text/event-stream");
            OutputStream out = res.getOutputStream();
            try {
                for (int n = 0; n < 2000; n++) {
                    out.write(("data: tick " + n + "\n\n").getBytes());
                    out.flush();
                    Thread.sleep(50);
                }
            } catch (IOException e) {
                LOG.warn("event stream failed", e);
            }
        })), "/events");
        ctx.addServlet(new org.eclipse.jetty.servlet.ServletHolder(servlet((req, res) -> {
            String user = null;
            res.getWriter().print(user.length());
        })), "/boom");
        ctx.addServlet(new org.eclipse.jetty.servlet.ServletHolder(servlet((req, res) -> proxy(req, res, "/quote", 502, 5000))), "/outbound/reset");
        ctx.addServlet(new org.eclipse.jetty.servlet.ServletHolder(servlet((req, res) -> proxy(req, res, "/quote", 502, 5000))), "/outbound/refused");
        ctx.addServlet(new org.eclipse.jetty.servlet.ServletHolder(servlet((req, res) -> proxy(req, res, "/quote", 502, 5000))), "/outbound/fetch-reset");
        ctx.addServlet(new org.eclipse.jetty.servlet.ServletHolder(servlet((req, res) -> proxy(req, res, "/report", 502, 5000))), "/outbound/partial");
        ctx.addServlet(new org.eclipse.jetty.servlet.ServletHolder(servlet((req, res) -> proxy(req, res, "/quote", 504, 300))), "/outbound/timeout");
        ctx.addServlet(new org.eclipse.jetty.servlet.ServletHolder(servlet((req, res) -> {
            try (Socket s = new Socket("127.0.0.1", Integer.parseInt(req.getParameter("port")))) {
                OutputStream out = s.getOutputStream();
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 64; i++) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                LOG.warn("push to the report sink failed", e);
            }
            res.setStatus(502);
        })), "/outbound/epipe");
        server.setHandler(ctx);
        server.setStopAtShutdown(true);
        try {
            server.start();
        } catch (Exception e) {
            server.stop(); // its pool's threads would keep the JVM alive
            throw e;
        }
        LOG.info("listening on http://127.0.0.1:" + http.getLocalPort());
        server.join();
    }
}
