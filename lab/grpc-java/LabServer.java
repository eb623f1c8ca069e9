// The lab app for the grpc-java family: a gRPC-java server (Netty transport) with the lab's
// routes as methods of one service, lab.Lab, written without generated stubs (the messages
// are raw bytes: a byte[] marshaller), as the grpc-java examples write their handlers:
// StreamObserver loops, exceptions the code catches logged with java.util.logging's
// log(WARNING, msg, e), the rest left to gRPC. Each request message is a UTF-8 string.
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

public class LabServer {
    static final Logger LOG = Logger.getLogger(LabServer.class.getName());
    static final Path BIG = Paths.get(System.getenv("BIG_FILE"));
    static final java.util.concurrent.ScheduledExecutorService TICKS = java.util.concurrent.Executors.newScheduledThreadPool(2);

    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<byte[]>() {
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        public byte[] parse(InputStream in) {
            try {
                return in.readAllBytes();
            } catch (IOException e) {
                throw Status.INTERNAL.withCause(e).asRuntimeException();
            }
        }
    };

    static MethodDescriptor<byte[], byte[]> method(MethodDescriptor.MethodType type, String name) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type)
            .setFullMethodName("lab.Lab/" + name).setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // The download: 32 MiB in 64 KiB messages. The handler runs on gRPC's executor; a client
    // that cancels makes onNext throw once the server has seen the RST_STREAM.
    static void download(StreamObserver<byte[]> out) throws IOException {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(BIG)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                out.onNext(n == buf.length ? buf.clone() : java.util.Arrays.copyOf(buf, n));
                Thread.sleep(2); // as a handler producing its data does: not all at once
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.onCompleted();
    }

    // An outbound GET to a helper (the client's loopback listener on the port in the request).
    static void outbound(String spec, StreamObserver<byte[]> out) {
        String[] p = spec.split(":"); // PORT:PATH:TIMEOUT_MS
        try {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + p[0] + p[1]).openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(Integer.parseInt(p[2]));
            try (InputStream in = c.getInputStream()) {
                out.onNext(in.readAllBytes());
                out.onCompleted();
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "upstream call " + p[1] + " failed", e);
            out.onError(Status.UNAVAILABLE.withDescription("upstream call failed").asRuntimeException());
        }
    }

    // The lab's phase marker: one record "LabServer phase" / "INFO: LAB PHASE name".
    static void phase(byte[] name, StreamObserver<byte[]> out) {
        LOG.info("LAB PHASE " + text(name));
        out.onNext(bytes("ok"));
        out.onCompleted();
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv("PORT"));
        ServerServiceDefinition lab = ServerServiceDefinition.builder("lab.Lab")
            .addMethod(method(MethodDescriptor.MethodType.UNARY, "Phase"), ServerCalls.asyncUnaryCall(LabServer::phase))
            .addMethod(method(MethodDescriptor.MethodType.UNARY, "Small"), ServerCalls.asyncUnaryCall((req, out) -> {
                out.onNext(bytes("hello\n"));
                out.onCompleted();
            }))
            // Left to gRPC: what the library logs by itself when onNext meets a cancelled call.
            .addMethod(method(MethodDescriptor.MethodType.SERVER_STREAMING, "Download"), ServerCalls.asyncServerStreamingCall((req, out) -> {
                try {
                    download(out);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }))
            // The same, the app logging what went wrong.
            .addMethod(method(MethodDescriptor.MethodType.SERVER_STREAMING, "DownloadLogged"), ServerCalls.asyncServerStreamingCall((req, out) -> {
                try {
                    download(out);
                } catch (RuntimeException | IOException e) {
                    LOG.log(Level.WARNING, "download of " + BIG.getFileName() + " failed", e);
                }
            }))
            // A watch stream: ticks pushed every 50 ms from a scheduler thread, as a handler
            // that publishes events does; onNext on a call the client cancelled throws.
            .addMethod(method(MethodDescriptor.MethodType.SERVER_STREAMING, "Events"), ServerCalls.asyncServerStreamingCall((req, out) -> {
                int[] n = {0};
                java.util.concurrent.ScheduledFuture<?>[] task = {null};
                task[0] = TICKS.scheduleAtFixedRate(() -> {
                    try {
                        out.onNext(bytes("tick " + n[0]++));
                        if (n[0] == 2000) {
                            out.onCompleted();
                            task[0].cancel(false);
                        }
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "event stream failed", e);
                        task[0].cancel(false);
                    }
                }, 0, 50, TimeUnit.MILLISECONDS);
            }))
            // Client streaming: the common idiom logs what onError hands it.
            .addMethod(method(MethodDescriptor.MethodType.CLIENT_STREAMING, "Upload"), ServerCalls.asyncClientStreamingCall(out -> new StreamObserver<byte[]>() {
                long got;

                public void onNext(byte[] chunk) {
                    got += chunk.length;
                }

                public void onError(Throwable t) {
                    LOG.log(Level.WARNING, "upload failed after " + got + " bytes", t);
                }

                public void onCompleted() {
                    out.onNext(bytes("stored " + got + "\n"));
                    out.onCompleted();
                }
            }))
            .addMethod(method(MethodDescriptor.MethodType.UNARY, "Boom"), ServerCalls.asyncUnaryCall((req, out) -> {
                String user = null;
                out.onNext(bytes("length " + user.length()));
                out.onCompleted();
            }))
            .addMethod(method(MethodDescriptor.MethodType.UNARY, "Outbound"), ServerCalls.asyncUnaryCall((req, out) -> outbound(text(req), out)))
            .addMethod(method(MethodDescriptor.MethodType.UNARY, "Push"), ServerCalls.asyncUnaryCall((req, out) -> {
                try (Socket s = new Socket("127.0.0.1", Integer.parseInt(text(req)))) {
                    OutputStream sink = s.getOutputStream();
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 64; i++) {
                        sink.write(chunk);
                    }
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "push to the report sink failed", e);
                }
                out.onError(Status.UNAVAILABLE.withDescription("report sink failed").asRuntimeException());
            }))
            .build();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .addService(lab).maxInboundMessageSize(16 * 1024 * 1024).build().start();
        LOG.info("listening on 127.0.0.1:" + port);
        server.awaitTermination();
    }
}
