package io.sluice.common.access;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One {@code allow} or {@code deny} line for publishing or playing, as nginx-rtmp's access module
 * has them: {@code allow 127.0.0.1}, {@code deny 10.0.0.0/8}, {@code allow all}. A list of rules is
 * read in order and the first that matches the client's address decides; when none matches the
 * client is allowed (nginx-rtmp's default too), so a closed list ends with {@code deny all}.
 *
 * <p>Only address literals are accepted, never host names: a rule must not depend on DNS.
 */
public final class AccessRule {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private final boolean allow;
    /** Null for "all". */
    private final byte[] network;
    private final int prefix;
    private final String text;

    private AccessRule(boolean allow, byte[] network, int prefix, String text) {
        this.allow = allow;
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * Reads {@code allow|deny all|ADDRESS|ADDRESS/PREFIX}.
     *
     * @throws IllegalArgumentException with what is wrong, for the configuration's error message
     */
    public static AccessRule parse(String text) {
        String[] words = text.strip().split("\\s+");
        if (words.length != 2 || !(words[0].equals("allow") || words[0].equals("deny"))) {
            throw new IllegalArgumentException("expected 'allow' or 'deny' and then 'all', an address or a CIDR block");
        }
        boolean allow = words[0].equals("allow");
        String target = words[1].toLowerCase(Locale.ROOT);
        if (target.equals("all")) {
            return new AccessRule(allow, null, 0, words[0] + " all");
        }
        int slash = target.indexOf('/');
        String address = slash < 0 ? target : target.substring(0, slash);
        byte[] bytes = literal(address);
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = target.substring(slash + 1);
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > bits) {
                throw new IllegalArgumentException("the prefix length of " + target + " must be 0.." + bits);
            }
            prefix = Integer.parseInt(p);
        }
        byte[] network = mask(bytes, prefix);
        String canonical = words[0] + " " + address(network) + (prefix == bits ? "" : "/" + prefix);
        return new AccessRule(allow, network, prefix, canonical);
    }

    private static byte[] literal(String address) {
        boolean v4 = IPV4.matcher(address).matches();
        if (!v4 && !(address.indexOf(':') >= 0 && IPV6.matcher(address).matches())) {
            throw new IllegalArgumentException("'" + address + "' is not an IPv4 or IPv6 address (host names are not allowed)");
        }
        try {
            // A literal: getByName parses it without asking DNS.
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + address + "' is not a valid address");
        }
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    private static String address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes: cannot happen
        }
    }

    public boolean allow() {
        return allow;
    }

    /** Whether the rule applies to {@code client}; an IPv4-mapped IPv6 address counts as IPv4. */
    public boolean matches(InetAddress client) {
        if (network == null) {
            return true;
        }
        if (client == null) {
            return false;
        }
        byte[] a = client.getAddress();
        if (a.length == 16 && network.length == 4 && isMappedV4(a)) {
            a = new byte[] {a[12], a[13], a[14], a[15]};
        }
        return a.length == network.length && java.util.Arrays.equals(mask(a, prefix), network);
    }

    private static boolean isMappedV4(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    /** The first rule that matches decides; no rule matching allows. */
    public static boolean permits(List<AccessRule> rules, InetAddress client) {
        for (AccessRule rule : rules) {
            if (rule.matches(client)) {
                return rule.allow;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessRule r && r.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The canonical form, as the configuration writes it ({@code deny 10.0.0.0/8}). */
    @Override
    public String toString() {
        return text;
    }
}
