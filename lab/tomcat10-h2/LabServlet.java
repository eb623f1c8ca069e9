// The lab app for the tomcat10-h2 family: one servlet for every route (lab/README.md), written
// as servlet code usually is: streams copied with loops, IOExceptions the code catches logged
// with java.util.logging's log(WARNING, msg, e), the rest left to Tomcat. The same code serves
// HTTP/1.1 and HTTP/2 (h2c) requests.
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

public class LabServlet extends HttpServlet {
    static final Logger LOG = Logger.getLogger(LabServlet.class.getName());
    static final Path BIG = Paths.get(System.getProperty("lab.big"));
    static final Path UPLOADS = Paths.get(System.getProperty("lab.uploads"));

    static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
        }
    }

    // An outbound GET to a helper: its body copied to the client, its failure logged.
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
            LOG.log(Level.WARNING, "upstream call " + path + " failed", e);
            if (!res.isCommitted()) {
                res.setStatus(failStatus);
            }
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        switch (req.getRequestURI()) {
            case "/__lab/phase":
                LOG.info("LAB PHASE " + req.getParameter("name"));
                res.getWriter().print("ok\n");
                break;
            case "/small":
                res.setContentType("text/plain");
                res.getWriter().print("hello\n");
                break;
            case "/big": // left to Tomcat: what the container logs by itself
                res.setContentType("application/octet-stream");
                try (InputStream in = Files.newInputStream(BIG)) {
                    copy(in, res.getOutputStream());
                }
                break;
            case "/big-logged":
                res.setContentType("application/octet-stream");
                try (InputStream in = Files.newInputStream(BIG)) {
                    copy(in, res.getOutputStream());
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "download of " + BIG.getFileName() + " failed", e);
                }
                break;
            case "/upload":
                Path file = Files.createTempFile(UPLOADS, "upload-", ".bin");
                try (OutputStream out = Files.newOutputStream(file)) {
                    copy(req.getInputStream(), out);
                    res.getWriter().print("stored\n");
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "upload failed", e);
                } finally {
                    Files.deleteIfExists(file);
                }
                break;
            case "/events":
                res.setContentType("text/event-stream");
                OutputStream out = res.getOutputStream();
                try {
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
            case "/boom":
                String user = null;
                res.getWriter().print(user.length());
                break;
            case "/outbound/reset":
            case "/outbound/refused":
            case "/outbound/fetch-reset":
                proxy(req, res, "/quote", 502, 5000);
                break;
            case "/outbound/partial":
                proxy(req, res, "/report", 502, 5000);
                break;
            case "/outbound/timeout":
                proxy(req, res, "/quote", 504, 300);
                break;
            case "/outbound/epipe":
                try (Socket s = new Socket("127.0.0.1", Integer.parseInt(req.getParameter("port")))) {
                    OutputStream sink = s.getOutputStream();
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 64; i++) {
                        sink.write(chunk);
                    }
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "push to the report sink failed", e);
                }
                res.setStatus(502);
                break;
            default:
                res.sendError(404);
        }
    }
}
