package dev.mnistfcn.serve;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Jetty's own refusals (a malformed request line, headers over 8 KiB, an unknown HTTP version; a request that comes
 * while the server stops) as the service's {@code {"error": ...}}, not an HTML page, and never with a stack trace.
 */
final class JsonErrors extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        String reason = HttpStatus.getMessage(code);
        String detail = message == null || message.equals(reason) ? "" : ": " + message;
        // GracefulHandler's refusal while the server stops: a request that was fine (the page shows this text)
        boolean stopping = code == HttpStatus.SERVICE_UNAVAILABLE_503;
        byte[] body = Answers.error(stopping
                ? "The server is stopping and takes no new requests (" + code + " " + reason + "); try again in a moment."
                : "The request is not HTTP this server reads (" + code + " " + reason + detail + ").")
                .getBytes(StandardCharsets.UTF_8);
        if (stopping) response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
