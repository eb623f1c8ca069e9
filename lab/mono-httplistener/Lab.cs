// The lab app for the mono-httplistener family: System.Net.HttpListener under Mono, one
// thread-pool work item per request, written as such console services usually are: streams
// copied with loops, exceptions caught per route and written to the console with the
// exception's ToString() under a timestamped line. Routes and the phase marker: lab/README.md.
using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;

static class Lab
{
    static readonly string Big = Environment.GetEnvironmentVariable("BIG_FILE");
    static readonly string Uploads = Environment.GetEnvironmentVariable("UPLOAD_DIR");
    static readonly object Gate = new object();

    static void Log(string level, string message, Exception e = null)
    {
        lock (Gate)
        {
            Console.WriteLine("{0:yyyy-MM-dd HH:mm:ss.fff} {1} {2}", DateTime.Now, level, message);
            if (e != null) Console.WriteLine(e);
        }
    }

    static void Copy(Stream from, Stream to)
    {
        var buf = new byte[64 * 1024];
        int n;
        while ((n = from.Read(buf, 0, buf.Length)) > 0) to.Write(buf, 0, n);
    }

    static void Text(HttpListenerResponse res, int status, string body)
    {
        res.StatusCode = status;
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        res.ContentLength64 = bytes.Length;
        res.OutputStream.Write(bytes, 0, bytes.Length);
    }

    // An outbound GET to a helper: its body copied to the client, its failure logged.
    static void Proxy(HttpListenerContext ctx, string path, int failStatus, int timeoutMs)
    {
        try
        {
            var req = (HttpWebRequest)WebRequest.Create("http://127.0.0.1:" + ctx.Request.QueryString["port"] + path);
            req.Timeout = timeoutMs;
            req.ReadWriteTimeout = timeoutMs;
            using (var up = (HttpWebResponse)req.GetResponse())
            using (var body = up.GetResponseStream())
            {
                ctx.Response.StatusCode = (int)up.StatusCode;
                Copy(body, ctx.Response.OutputStream);
            }
        }
        catch (Exception e) when (e is WebException || e is IOException)
        {
            Log("ERROR", "upstream call " + path + " failed", e);
            try { ctx.Response.StatusCode = failStatus; } catch (InvalidOperationException) { }
        }
    }

    static void Handle(HttpListenerContext ctx)
    {
        var res = ctx.Response;
        try
        {
            switch (ctx.Request.Url.AbsolutePath)
            {
                case "/__lab/phase":
                    Log("INFO", "LAB PHASE " + ctx.Request.QueryString["name"]);
                    Text(res, 200, "ok\n");
                    break;
                case "/small":
                    Text(res, 200, "hello\n");
                    break;
                case "/big":
                    res.ContentType = "application/octet-stream";
                    res.ContentLength64 = new FileInfo(Big).Length;
                    try
                    {
                        using (var f = File.OpenRead(Big)) Copy(f, res.OutputStream);
                    }
                    catch (Exception e) when (e is IOException || e is HttpListenerException)
                    {
                        Log("WARN", "download of big.bin failed", e);
                    }
                    break;
                case "/upload":
                    var file = Path.Combine(Uploads, "upload-" + Guid.NewGuid());
                    try
                    {
                        using (var f = File.Create(file)) Copy(ctx.Request.InputStream, f);
                        Text(res, 200, "stored " + new FileInfo(file).Length + "\n");
                    }
                    catch (Exception e) when (e is IOException || e is HttpListenerException)
                    {
                        Log("WARN", "upload failed", e);
                    }
                    finally
                    {
                        File.Delete(file);
                    }
                    break;
                case "/events":
                    res.ContentType = "text/event-stream";
                    res.SendChunked = true;
                    try
                    {
                        for (var n = 0; n < 2000; n++)
                        {
                            var b = System.Text.Encoding.UTF8.GetBytes("data: tick " + n + "\n\n");
                            res.OutputStream.Write(b, 0, b.Length);
                            res.OutputStream.Flush();
                            Thread.Sleep(50);
                        }
                    }
                    catch (Exception e) when (e is IOException || e is HttpListenerException)
                    {
                        Log("WARN", "event stream failed", e);
                    }
                    break;
                case "/boom":
                    string user = null;
                    Text(res, 200, user.Length.ToString());
                    break;
                case "/outbound/reset":
                case "/outbound/refused":
                case "/outbound/fetch-reset":
                    Proxy(ctx, "/quote", 502, 5000);
                    break;
                case "/outbound/partial":
                    Proxy(ctx, "/report", 502, 5000);
                    break;
                case "/outbound/timeout":
                    Proxy(ctx, "/quote", 504, 300);
                    break;
                case "/outbound/epipe":
                    try
                    {
                        using (var c = new TcpClient("127.0.0.1", int.Parse(ctx.Request.QueryString["port"])))
                        {
                            var s = c.GetStream();
                            var chunk = new byte[64 * 1024];
                            for (var i = 0; i < 64; i++) s.Write(chunk, 0, chunk.Length);
                        }
                    }
                    catch (IOException e)
                    {
                        Log("ERROR", "push to the report sink failed", e);
                    }
                    res.StatusCode = 502;
                    break;
                default:
                    Text(res, 404, "not found\n");
                    break;
            }
        }
        catch (Exception e)
        {
            Log("ERROR", "request " + ctx.Request.Url.AbsolutePath + " failed", e);
            try { res.StatusCode = 500; } catch (InvalidOperationException) { }
        }
        finally
        {
            try { res.Close(); } catch (Exception) { }
        }
    }

    static void Main()
    {
        var port = Environment.GetEnvironmentVariable("PORT");
        var listener = new HttpListener();
        listener.Prefixes.Add("http://127.0.0.1:" + port + "/");
        listener.Start();
        Log("INFO", "listening on http://127.0.0.1:" + port + "/ (Mono " + Type.GetType("Mono.Runtime").GetMethod("GetDisplayName", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static).Invoke(null, null) + ")");
        while (true)
        {
            var ctx = listener.GetContext();
            ThreadPool.QueueUserWorkItem(_ => Handle(ctx));
        }
    }
}
