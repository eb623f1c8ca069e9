<?php
// The lab app for the php-fpm family: one front controller, written as PHP apps are: echo and
// flush() to stream, file_get_contents() and fsockopen() for outbound calls, error_log() for
// what the app itself reports. Errors go where Debian's php.ini sends them: log_errors = On with
// no error_log, so under FPM to the FastCGI stderr stream, which nginx writes to its error.log.
// Routes and the phase marker: lab/README.md.

$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$port = isset($_GET['port']) ? (int) $_GET['port'] : 0;

// What streams must not wait in php.ini's output buffer (output_buffering = 4096): the usual
// idiom is to end it, then flush() after each piece.
function unbuffered()
{
    while (ob_get_level() > 0) {
        ob_end_flush();
    }
}

// Streams the 32 MiB file in 64 KiB pieces, flushed one by one, with no Content-Length (the
// server sends it chunked, so its end is the script's end). X-Accel-Buffering: no is the
// usual way to make nginx pass a streamed body on as it comes.
function stream_big()
{
    header('Content-Type: application/octet-stream');
    header('X-Accel-Buffering: no');
    unbuffered();
    $f = fopen(getenv('BIG_FILE'), 'rb');
    while (!feof($f)) {
        echo fread($f, 65536);
        flush();
    }
    fclose($f);
}

function outbound_failed($status, $what)
{
    http_response_code($status);
    error_log("outbound call failed: $what");
    echo "upstream failed\n";
}

switch ($path) {
    case '/__lab/phase':
        error_log('LAB PHASE ' . ($_GET['name'] ?? ''));
        echo "ok\n";
        break;
    case '/small':
        header('Content-Type: text/plain');
        echo "hello\n";
        break;
    case '/big':
        stream_big();
        break;
    case '/big-ignore':
        // The same, finishing its work whether or not the client is still there.
        ignore_user_abort(true);
        stream_big();
        break;
    case '/upload':
        $in = fopen('php://input', 'rb');
        $n = 0;
        while (!feof($in)) {
            $n += strlen(fread($in, 65536));
        }
        echo "stored $n\n";
        break;
    case '/events':
        header('Content-Type: text/event-stream');
        header('X-Accel-Buffering: no');
        unbuffered();
        for ($i = 0; $i < 200; $i++) {
            echo "data: tick $i\n\n";
            flush();
            usleep(50000);
        }
        break;
    case '/boom':
        $user = null;
        echo strlen($user->name());
        break;
    case '/outbound/reset':
    case '/outbound/fetch-reset':
        $body = file_get_contents("http://127.0.0.1:$port/quote");
        if ($body === false) {
            outbound_failed(502, 'quote service');
        } else {
            echo $body;
        }
        break;
    case '/outbound/partial':
        $r = fopen("http://127.0.0.1:$port/report", 'rb');
        if ($r === false) {
            outbound_failed(502, 'report service');
            break;
        }
        while (!feof($r)) {
            $b = fread($r, 65536);
            if ($b === false || $b === '') {
                break;
            }
            echo $b;
        }
        fclose($r);
        break;
    case '/outbound/epipe':
        $s = fsockopen('127.0.0.1', $port, $errno, $errstr, 2);
        $chunk = str_repeat('p', 65536);
        $ok = true;
        for ($i = 0; $i < 64 && $ok; $i++) {
            $ok = fwrite($s, $chunk) !== false;
            usleep(2000);
        }
        fclose($s);
        $ok ? print("pushed\n") : outbound_failed(502, 'push');
        break;
    case '/outbound/refused':
        $body = file_get_contents("http://127.0.0.1:$port/quote");
        $body === false ? outbound_failed(502, 'quote service') : print($body);
        break;
    case '/outbound/timeout':
        $ctx = stream_context_create(['http' => ['timeout' => 0.3]]);
        $body = file_get_contents("http://127.0.0.1:$port/quote", false, $ctx);
        $body === false ? outbound_failed(504, 'quote service') : print($body);
        break;
    default:
        http_response_code(404);
        echo "not found\n";
}
