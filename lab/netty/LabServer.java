// The lab app for the netty family: a Netty 4.1 HTTP server (Debian's libnetty-java, NIO
// transport: Debian builds no native epoll) as its examples write one: HttpServerCodec,
// ChunkedWriteHandler, one SimpleChannelInboundHandler for the routes. Files go out as
// ChunkedFile with a listener that logs a failed transfer; uploads stream to a file chunk by
// chunk; a failed decoding is answered with 400 and an application exception with 500, both
// logged; exceptionCaught is left to Netty, whose pipeline tail logs what reaches it. Netty
// logs through java.util.logging here (no slf4j or log4j on the class path). Blocking work
// (outbound calls) runs on a separate executor group. Routes and the phase marker:
// lab/README.md.
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.stream.ChunkedFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;

public class LabServer {
    static final Logger LOG = Logger.getLogger(LabServer.class.getName());
    static final File BIG = new File(System.getenv("BIG_FILE"));
    static final File UPLOADS = new File(System.getenv("UPLOAD_DIR"));
    static final EventExecutorGroup BLOCKING = new DefaultEventExecutorGroup(8);

    static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse r = new DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
        HttpUtil.setContentLength(r, r.content().readableBytes());
        return r;
    }

    static class Routes extends SimpleChannelInboundHandler<HttpObject> {
        private OutputStream upload;
        private File uploadFile;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) throws Exception {
            if (msg instanceof HttpRequest) {
                HttpRequest req = (HttpRequest) msg;
                if (req.decoderResult().isFailure()) {
                    LOG.log(Level.WARNING, "bad request from " + ctx.channel(), req.decoderResult().cause());
                    ctx.writeAndFlush(text(HttpResponseStatus.BAD_REQUEST, "bad request\n"))
                            .addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                try {
                    request(ctx, req);
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "request " + req.uri() + " failed", e);
                    ctx.writeAndFlush(text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n"));
                }
            }
            if (msg instanceof HttpContent && upload != null) {
                HttpContent c = (HttpContent) msg;
                c.content().readBytes(upload, c.content().readableBytes());
                if (msg instanceof LastHttpContent) {
                    upload.close();
                    long n = uploadFile.length();
                    uploadFile.delete();
                    upload = null;
                    ctx.writeAndFlush(text(HttpResponseStatus.OK, "stored " + n + "\n"));
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (upload != null) {
                upload.close();
                uploadFile.delete();
                upload = null;
            }
            super.channelInactive(ctx);
        }

        private void request(ChannelHandlerContext ctx, HttpRequest req) throws IOException {
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            String port = q.parameters().containsKey("port") ? q.parameters().get("port").get(0) : "0";
            switch (q.path()) {
                case "/__lab/phase":
                    LOG.info("LAB PHASE " + q.parameters().get("name").get(0));
                    ctx.writeAndFlush(text(HttpResponseStatus.OK, "ok\n"));
                    break;
                case "/small":
                    ctx.writeAndFlush(text(HttpResponseStatus.OK, "hello\n"));
                    break;
                case "/big": {
                    RandomAccessFile raf = new RandomAccessFile(BIG, "r");
                    HttpResponse r = new DefaultHttpResponse(req.protocolVersion(), HttpResponseStatus.OK);
                    HttpUtil.setContentLength(r, raf.length());
                    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
                    ctx.write(r);
                    ctx.writeAndFlush(new HttpChunkedInput(new ChunkedFile(raf, 0, raf.length(), 64 * 1024)))
                            .addListener((ChannelFutureListener) f -> {
                                if (!f.isSuccess()) {
                                    LOG.log(Level.WARNING, "transfer of " + BIG.getName() + " to " + f.channel() + " failed", f.cause());
                                }
                            });
                    break;
                }
                case "/upload":
                    uploadFile = File.createTempFile("upload-", ".bin", UPLOADS);
                    upload = new FileOutputStream(uploadFile);
                    break;
                case "/events": {
                    HttpResponse r = new DefaultHttpResponse(req.protocolVersion(), HttpResponseStatus.OK);
                    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
                    HttpUtil.setTransferEncodingChunked(r, true);
                    ctx.writeAndFlush(r);
                    tick(ctx, 0);
                    break;
                }
                case "/boom":
                    String user = null;
                    ctx.writeAndFlush(text(HttpResponseStatus.OK, "" + user.length()));
                    break;
                case "/outbound/reset":
                case "/outbound/refused":
                case "/outbound/fetch-reset":
                    proxy(ctx, port, "/quote", HttpResponseStatus.BAD_GATEWAY, 5000);
                    break;
                case "/outbound/partial":
                    proxy(ctx, port, "/report", HttpResponseStatus.BAD_GATEWAY, 5000);
                    break;
                case "/outbound/timeout":
                    proxy(ctx, port, "/quote", HttpResponseStatus.GATEWAY_TIMEOUT, 300);
                    break;
                case "/outbound/epipe":
                    BLOCKING.execute(() -> {
                        try (Socket s = new Socket("127.0.0.1", Integer.parseInt(port))) {
                            OutputStream sink = s.getOutputStream();
                            byte[] chunk = new byte[64 * 1024];
                            for (int i = 0; i < 64; i++) {
                                sink.write(chunk);
                            }
                        } catch (IOException e) {
                            LOG.log(Level.WARNING, "push to the report sink failed", e);
                        }
                        ctx.writeAndFlush(text(HttpResponseStatus.BAD_GATEWAY, "bad gateway\n"));
                    });
                    break;
                default:
                    ctx.writeAndFlush(text(HttpResponseStatus.NOT_FOUND, "not found\n"));
            }
        }

        // One server-sent event every 50 ms until a write fails.
        private void tick(ChannelHandlerContext ctx, int n) {
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("data: tick " + n + "\n\n", StandardCharsets.UTF_8)))
                    .addListener((ChannelFutureListener) f -> {
                        if (!f.isSuccess()) {
                            LOG.log(Level.WARNING, "event stream to " + f.channel() + " failed", f.cause());
                        } else if (n < 2000) {
                            ctx.executor().schedule(() -> tick(ctx, n + 1), 50, TimeUnit.MILLISECONDS);
                        }
                    });
        }

        // An outbound GET to a helper on the blocking group; its failure logged and answered.
        private void proxy(ChannelHandlerContext ctx, String port, String path, HttpResponseStatus fail, int timeoutMs) {
            BLOCKING.execute(() -> {
                try {
                    HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
                    c.setConnectTimeout(2000);
                    c.setReadTimeout(timeoutMs);
                    try (InputStream in = c.getInputStream()) {
                        ctx.writeAndFlush(text(HttpResponseStatus.valueOf(c.getResponseCode()),
                                new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                    }
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "upstream call " + path + " failed", e);
                    ctx.writeAndFlush(text(fail, "upstream failed\n"));
                }
            });
        }
    }

    public static void main(String[] args) throws Exception {
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup();
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new ChunkedWriteHandler(), new Routes());
                        }
                    });
            Channel ch = b.bind("127.0.0.1", Integer.parseInt(System.getenv("PORT"))).sync().channel();
            LOG.info("listening on " + ch.localAddress());
            ch.closeFuture().sync();
        } finally {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            BLOCKING.shutdownGracefully();
        }
    }
}
