package dev.mnistfcn.serve;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Host header a request may carry, against DNS rebinding: a page on {@code evil.example} whose name the attacker
 * then points at 127.0.0.1 makes the visitor's browser send requests here with {@code Host: evil.example}, and read
 * the answers (the model's path on {@code /api/model}). Accepted: {@code localhost}, any IP address (rebinding needs a
 * name; an address is what a user types for a server on 0.0.0.0), the name {@code serve --host} was given, and the
 * names in {@code --allow-host}.
 */
final class HostCheck {
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    /** An IPv6 literal as a Host header brackets it, port optional: hex digits and colons (a dotted IPv4 tail too). */
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*](:[0-9]+)?");
    private final Set<String> names = new HashSet<>();

    HostCheck(String boundHost, Set<String> allowed) {
        names.add("localhost");
        names.add(normal(boundHost));
        for (String name : allowed) names.add(normal(name));
    }

    /** Null when {@code header} (a Host header; null for an HTTP/1.0 request without one) is accepted, else why not. */
    String refusal(String header) {
        if (header == null) return null; // HTTP/1.0 without Host: no browser sends that
        String host = header.trim();
        if (host.startsWith("[")) {
            if (IPV6.matcher(host).matches()) return null; // an IPv6 address; "[anything]" is not one
        } else {
            int colon = host.lastIndexOf(':');
            if (colon >= 0) host = host.substring(0, colon);
            String name = normal(host);
            if (IPV4.matcher(name).matches() || names.contains(name)) return null;
        }
        return "Host '" + clip(header) + "' is not a name of this server. It answers to localhost, its IP addresses"
                + " and the names given with --allow-host (e.g. serve --allow-host " + clip(host) + ", if that is "
                + "this machine's name); other names are refused, so that a web page cannot reach it by pointing its "
                + "own name at this address (DNS rebinding).";
    }

    private static String normal(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static String clip(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() <= 80 ? printable : printable.substring(0, 80) + "…";
    }
}
