package io.sluice.worker.access;

import io.sluice.common.config.AppSettings;
import io.sluice.common.config.HookSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpTimeoutException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * nginx-rtmp's HTTP callbacks for {@link AccessControl}: which URL a call goes to, the form it
 * sends, what the answer means (allow, rename, deny), the short decision cache, and the
 * done-callbacks sent again after a failure. Every hook failure is one WARN line with the URL;
 * the client hears only that the check failed.
 */
final class HookCaller {

    /** Logs as AccessControl: operators look for one logger. */
    private static final Logger log = LoggerFactory.getLogger(AccessControl.class);

    /** Longest stream name a hook may rename to, as for names clients send. */
    static final int MAX_NAME_LENGTH = 1024;
    /** Allowing answers kept at most; the cache is emptied when full rather than grown. */
    static final int MAX_CACHED = 10_000;
    /** Form fields a client's own query arguments may not replace. */
    private static final Set<String> OWN_FIELDS = Set.of("call", "app", "name", "addr", "clientid", "tcurl",
            "pageurl", "swfurl", "flashver", "type");

    private record Cached(Verdict verdict, long untilNanos) {
    }

    private final Supplier<Hooks> hookFactory;
    private volatile Hooks hooks;
    private final LongSupplier nanoClock;
    /** Makes (and counts) a refusal. */
    private final BiFunction<Refusal, String, Verdict.Refused> refuse;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    HookCaller(Supplier<Hooks> hookFactory, LongSupplier nanoClock, BiFunction<Refusal, String, Verdict.Refused> refuse) {
        this.hookFactory = hookFactory;
        this.nanoClock = nanoClock;
        this.refuse = refuse;
    }

    /** A reload: answers given under the old hooks are not reused. */
    void clearCache() {
        cache.clear();
    }

    /** Sends a done-callback; nothing waits for it. */
    void ended(Call call, String url, Client client, String app, String name, Map<String, String> args,
                HookSettings h) {
        send(url, form(call, client, app, name, args), h, 0);
    }

    private void send(String url, Map<String, String> form, HookSettings h, int attempt) {
        hooks().post(url, form, h.timeout()).whenComplete((answer, error) -> {
            boolean failed = error != null || answer.status() >= 500;
            if (!failed) {
                return;
            }
            String why = error != null ? describe(unwrap(error), h) : "answered " + answer.status();
            if (attempt < h.retries()) {
                long delay = 1000L << Math.min(attempt, 10);
                log.debug("{} hook {} {}, trying again in {} ms", form.get("call"), url, why, delay);
                CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)
                        .execute(() -> send(url, form, h, attempt + 1));
            } else {
                log.warn("{} hook failed [url:{}, client:{}, stream:{}/{}]: {} (given up after {} tries)",
                        form.get("call"), url, form.get("clientid"), form.get("app"), form.get("name"), why,
                        attempt + 1);
            }
        });
    }

    /** The URL a call goes to for an app: its own, or the one in hooks; off for none. */
    static String hookUrl(Call call, AppSettings app, HookSettings hooks) {
        String own = switch (call) {
            case CONNECT -> app.onConnect();
            case PUBLISH -> app.onPublish();
            case PLAY -> app.onPlay();
            case PUBLISH_DONE -> app.onPublishDone();
            case PLAY_DONE -> app.onPlayDone();
        };
        if (!own.equals(AppSettings.INHERIT)) {
            return own;
        }
        return switch (call) {
            case CONNECT -> hooks.onConnect();
            case PUBLISH -> hooks.onPublish();
            case PLAY -> hooks.onPlay();
            case PUBLISH_DONE -> hooks.onPublishDone();
            case PLAY_DONE -> hooks.onPlayDone();
        };
    }

    /** Asks the back-end (or the cache) about a connect, publish or play. */
    CompletableFuture<Verdict> ask(Call call, String url, Client client, String app, String name,
                                           Map<String, String> args, HookSettings h) {
        Map<String, String> form = form(call, client, app, name, args);
        // The question, not the asker: the same call, app, name, address and arguments from another
        // connection (its own clientid, tcurl) gets the same answer.
        String cacheKey = h.cache().isZero() ? null
                : String.join("\n", url, call.text(), app, name == null ? "" : name, client.addr(), args.toString());
        if (cacheKey != null) {
            Cached hit = cache.get(cacheKey);
            if (hit != null && hit.untilNanos - nanoClock.getAsLong() > 0) {
                return CompletableFuture.completedFuture(hit.verdict);
            }
        }
        CompletableFuture<Hooks.Answer> answer;
        try {
            answer = hooks().post(url, form, h.timeout());
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        // Belt and braces: the client's own timeout covers the answer's head; this covers the rest.
        return answer.orTimeout(h.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS).handle((a, error) -> {
            Verdict v = error != null ? hookFailed(call, url, client, app, name, describe(unwrap(error), h))
                    : interpret(call, url, client, app, name, a);
            if (cacheKey != null && v instanceof Verdict.Allowed) {
                if (cache.size() >= MAX_CACHED) {
                    cache.clear();
                }
                cache.put(cacheKey, new Cached(v, nanoClock.getAsLong() + h.cache().toNanos()));
            }
            return v;
        });
    }

    private Verdict interpret(Call call, String url, Client client, String app, String name, Hooks.Answer a) {
        int status = a.status();
        if (status >= 200 && status < 300) {
            return new Verdict.Allowed(name);
        }
        if (status >= 300 && status < 400 && (call == Call.PUBLISH || call == Call.PLAY)) {
            String renamed = renamed(a.location(), app);
            if (renamed == null) {
                return hookFailed(call, url, client, app, name, "answered " + status + " with Location '"
                        + shorten(a.location()) + "', which is not a stream name of app " + app
                        + " (a bare name or rtmp://host/" + app + "/name)");
            }
            log.info("{} hook renamed {}/{} to {}/{} [conn:{}]", call.text(), app, name, app, renamed, client.id());
            return new Verdict.Allowed(renamed);
        }
        String what = what(call, app, name);
        log.debug("{} hook denied [url:{}, conn:{}, stream:{}/{}]: answered {}", call.text(), url, client.id(), app,
                name, status);
        return refuse.apply(Refusal.HOOK, what + " was refused (on_" + call.text() + " answered " + status + ").");
    }

    private Verdict hookFailed(Call call, String url, Client client, String app, String name, String why) {
        log.warn("{} hook failed, denied [url:{}, conn:{}, stream:{}/{}]: {}", call.text(), url, client.id(), app,
                name == null ? "" : name, why);
        // The client hears that the check failed, not how: the log line has the URL and the detail.
        String what = what(call, app, name);
        return refuse.apply(Refusal.HOOK, what + " was refused: the on_" + call.text() + " check gave no usable answer.");
    }

    /**
     * The stream name a 3xx Location gives: a bare name, or {@code rtmp://host[:port]/APP/NAME}
     * in the same app. Null for anything else: another scheme (a redirect to another URL, maybe
     * the hook itself: a loop), another app, an empty or unusable name.
     */
    static String renamed(String location, String app) {
        if (location == null) {
            return null;
        }
        String name = location.strip();
        int scheme = name.indexOf("://");
        if (scheme >= 0) {
            if (!name.regionMatches(true, 0, "rtmp://", 0, 7)) {
                return null;
            }
            String rest = name.substring(7);
            int slash = rest.indexOf('/');
            if (slash < 0 || !rest.startsWith(app + "/", slash + 1)) {
                return null;
            }
            name = rest.substring(slash + 1 + app.length() + 1);
        }
        int query = name.indexOf('?');
        if (query >= 0) {
            name = name.substring(0, query);
        }
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.startsWith("/") || name.endsWith("/")) {
            return null;
        }
        for (String segment : name.split("/")) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return null;
            }
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                return null;
            }
        }
        return name;
    }

    /** nginx-rtmp's fields, then the client's own arguments (which cannot replace them). */
    static Map<String, String> form(Call call, Client client, String app, String name, Map<String, String> args) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("call", call.text());
        form.put("app", app);
        form.put("name", name == null ? "" : name);
        form.put("addr", client.addr());
        form.put("clientid", client.id());
        form.put("tcurl", client.tcUrl());
        form.put("pageurl", client.pageUrl());
        form.put("swfurl", client.swfUrl());
        form.put("flashver", client.flashVer());
        if (call == Call.PUBLISH) {
            form.put("type", "live");
        }
        args.forEach((k, v) -> {
            if (!OWN_FIELDS.contains(k)) {
                form.putIfAbsent(k, v);
            }
        });
        return form;
    }

    private Hooks hooks() {
        Hooks h = hooks;
        if (h == null) {
            synchronized (this) {
                if (hooks == null) {
                    hooks = hookFactory.get();
                }
                h = hooks;
            }
        }
        return h;
    }

    static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private static String describe(Throwable e, HookSettings h) {
        if (e instanceof HttpTimeoutException || e instanceof java.util.concurrent.TimeoutException) {
            return "no answer within " + h.timeout().toMillis() + " ms";
        }
        if (e instanceof java.net.ConnectException) {
            return "could not connect";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + shorten(m));
    }

    private static String shorten(String s) {
        return s == null ? "" : s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }

    /** How a refusal names what was asked: "Publishing live/cam", "Connecting to live". */
    static String what(Call call, String app, String name) {
        return call == Call.CONNECT ? "Connecting to " + app
                : (call == Call.PUBLISH ? "Publishing " : "Playing ") + app + "/" + name;
    }
}
