package dev.mnistfcn.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** HTTP/1.1 by hand over a plain socket, for what HttpClient will not do: slow bytes, any Host, a body sent blind. */
final class RawHttp {
    private RawHttp() {
    }

    /** A connection to {@code server} from the loopback address {@code from} (127.0.0.1, 127.0.0.2, ...). */
    static Socket connect(DigitServer server, String from) throws IOException {
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), server.uri().getPort(), InetAddress.getByName(from), 0);
        s.setSoTimeout(30_000);
        return s;
    }

    static void write(Socket s, String text) throws IOException {
        write(s, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    static void write(Socket s, byte[] bytes) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    /** A whole request: {@code head} lines (without the blank line), Content-Length added, then the body. */
    static byte[] request(String head, byte[] body) {
        byte[] h = (head + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** Status line, headers and a Content-Length body, as text; empty if the server closed without answering. */
    static String readResponse(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) break;
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int length = h.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                .mapToInt(l -> Integer.parseInt(l.substring(15).trim())).findFirst().orElse(0);
        return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /**
     * Whether the server has closed {@code s} (end of stream or a reset) within {@code millis}, reading and dropping
     * anything it sent first (a 408, say).
     */
    static boolean closedWithin(Socket s, int millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        try {
            InputStream in = s.getInputStream();
            // within millis in all: a server that sends a little now and then (an event stream's pings) never closes
            for (long left = millis; left > 0; left = (deadline - System.nanoTime()) / 1_000_000L) {
                s.setSoTimeout((int) Math.max(1, left));
                if (in.read() < 0) return true;
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    static String get(DigitServer server, String path, String host) throws IOException {
        try (Socket s = connect(server, "127.0.0.1")) {
            write(s, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            return readResponse(s);
        }
    }
}
