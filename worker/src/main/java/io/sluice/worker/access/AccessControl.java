package io.sluice.worker.access;

import io.sluice.common.access.AccessRule;
import io.sluice.common.access.UrlSignature;
import io.sluice.common.config.AppSettings;
import io.sluice.common.config.HookSettings;
import io.sluice.common.config.SluiceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpTimeoutException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The worker's one answer to "may this client connect, publish, play?", for every protocol. In
 * order: the app must be served; publish and play then pass the app's address rules, its signed
 * URL check when it asks for one, and its hook when it has one (which may rename the stream).
 * The first that says no decides.
 *
 * <p>Threads: any thread may ask. Without a hook the answer is complete when returned (callers
 * go on at once); with one it completes on a hook thread, and the caller moves back to its event
 * loop. A reload ({@link #update}) applies to questions asked after it; what was allowed stays.
 */
public final class AccessControl {

    private static final Logger log = LoggerFactory.getLogger(AccessControl.class);

    /** Longest stream name a hook may rename to, as for names clients send. */
    static final int MAX_NAME_LENGTH = 1024;
    /** Allowing answers kept at most; the cache is emptied when full rather than grown. */
    static final int MAX_CACHED = 10_000;
    /** Form fields a client's own query arguments may not replace. */
    private static final Set<String> OWN_FIELDS = Set.of("call", "app", "name", "addr", "clientid", "tcurl",
            "pageurl", "swfurl", "flashver", "type");

    private record Policy(Map<String, AppSettings> apps, HookSettings hooks) {
    }

    private record Cached(Verdict verdict, long untilNanos) {
    }

    private volatile Policy policy;
    private final Supplier<Hooks> hookFactory;
    private volatile Limits limits = new LocalLimits(() -> {
        Policy p = policy;
        return p == null ? Map.of() : p.apps();
    });
    private final java.util.concurrent.atomic.AtomicLong tickets = new java.util.concurrent.atomic.AtomicLong();
    private volatile Hooks hooks;
    private final LongSupplier nanoClock;
    private final LongSupplier unixSeconds;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<Refusal, LongAdder> refused = new EnumMap<>(Refusal.class);

    /**
     * @param hooks      makes the hook sender when the first hook is called (no threads before)
     * @param nanoClock  for the decision cache
     * @param unixSeconds for signed URLs
     */
    public AccessControl(SluiceConfig config, Supplier<Hooks> hooks, LongSupplier nanoClock, LongSupplier unixSeconds) {
        this.policy = config == null ? null : new Policy(config.apps(), config.hooks());
        this.hookFactory = hooks;
        this.nanoClock = nanoClock;
        this.unixSeconds = unixSeconds;
        for (Refusal r : Refusal.values()) {
            refused.put(r, new LongAdder());
        }
    }

    /** The worker's access control for {@code config}, with hooks over HTTP. */
    public static AccessControl from(SluiceConfig config) {
        return new AccessControl(config, () -> new HttpHooks(config.hooks().timeout()), System::nanoTime,
                () -> System.currentTimeMillis() / 1000);
    }

    /** Lets everyone do everything in any app: for tests and tools that build a session alone. */
    public static AccessControl open() {
        return new AccessControl(null, () -> {
            throw new IllegalStateException("no hooks without a configuration");
        }, System::nanoTime, () -> System.currentTimeMillis() / 1000);
    }

    /** Where limits are counted: the master's, once the worker has one (set before any client is served). */
    public void limits(Limits limits) {
        this.limits = limits;
    }

    /** Gives back what an admission counted against the app's limits; harmless when nothing was. */
    public void release(Verdict.Allowed allowed) {
        if (allowed != null && allowed.admission() != null) {
            limits.leave(allowed.admission());
        }
    }

    /** A reload: questions asked from now on get the new apps, rules and hooks; the cache is dropped. */
    public void update(SluiceConfig config) {
        policy = new Policy(config.apps(), config.hooks());
        cache.clear();
    }

    /** Whether {@code app} is served at all (HEAD requests ask only this). */
    public boolean serves(String app) {
        Policy p = policy;
        return p == null || p.apps().containsKey(app);
    }

    /** Refusals so far for {@code why}. */
    public long refusedCount(Refusal why) {
        return refused.get(why).sum();
    }

    /** Refusals so far, by reason (those with none left out). */
    public Map<String, Long> refusedCounts() {
        Map<String, Long> out = new LinkedHashMap<>();
        refused.forEach((why, n) -> {
            if (n.sum() > 0) {
                out.put(why.name().toLowerCase(java.util.Locale.ROOT), n.sum());
            }
        });
        return out;
    }

    /** Counts a refusal decided outside (a request a protocol found unusable). */
    public Verdict.Refused refuse(Refusal why, String description) {
        refused.get(why).increment();
        return new Verdict.Refused(why, description);
    }

    /**
     * May {@code client} do {@code call} (connect, publish or play) on {@code app/name}?
     *
     * @param name the stream name without its query string; null for connect
     * @param args the client's query arguments
     */
    public CompletableFuture<Verdict> check(Call call, Client client, String app, String name, Map<String, String> args) {
        Policy p = policy;
        AppSettings settings = p == null ? null : p.apps().get(app);
        CompletableFuture<Verdict> v = decide(p, call, client, app, name, args);
        if (settings == null || !settings.hasLimits() || !(call == Call.PUBLISH || call == Call.PLAY)) {
            return v;
        }
        // Counted last, once everything else said yes and the name is final: a refusal above
        // takes nothing from the limits.
        if (v.isDone() && v.join() instanceof Verdict.Refused) {
            return v;
        }
        return v.thenCompose(verdict -> verdict instanceof Verdict.Allowed a ? count(call, client, app, a.name())
                : CompletableFuture.completedFuture(verdict));
    }

    private CompletableFuture<Verdict> count(Call call, Client client, String app, String name) {
        io.sluice.common.protocol.AdmitOrder order = new io.sluice.common.protocol.AdmitOrder(
                "t" + tickets.incrementAndGet(), call == Call.PUBLISH ? "publish" : "play", app, name, client.addr());
        String what = (call == Call.PUBLISH ? "Publishing " : "Playing ") + app + "/" + name;
        CompletableFuture<String> asked;
        try {
            asked = limits.admit(order);
        } catch (RuntimeException e) {
            asked = CompletableFuture.failedFuture(e);
        }
        return asked.handle((reason, error) -> {
            if (error != null) {
                log.warn("limits of {} could not be checked, refused [conn:{}, stream:{}/{}]: {}", app, client.id(), app,
                        name, unwrap(error).toString());
                return refuse(Refusal.LIMIT, what + " was refused: its limits could not be checked.");
            }
            if (reason != null) {
                return refuse(Refusal.LIMIT, what + " was refused: " + reason + ".");
            }
            return new Verdict.Allowed(name, order);
        });
    }

    private CompletableFuture<Verdict> decide(Policy p, Call call, Client client, String app, String name,
                                              Map<String, String> args) {
        if (p == null) {
            return CompletableFuture.completedFuture(new Verdict.Allowed(name));
        }
        AppSettings settings = p.apps().get(app);
        if (settings == null) {
            return done(refuse(Refusal.UNKNOWN_APP, "Application '" + app + "' is not served here."));
        }
        if (call == Call.PUBLISH || call == Call.PLAY) {
            boolean publish = call == Call.PUBLISH;
            String what = (publish ? "Publishing " : "Playing ") + app + "/" + name;
            if (!AccessRule.permits(publish ? settings.publish() : settings.play(), client.address())) {
                return done(refuse(Refusal.RULE, what + " is not allowed from " + client.addr() + "."));
            }
            if (publish ? settings.signed().publish() : settings.signed().play()) {
                UrlSignature.Check c = UrlSignature.verify(app, name, args, settings.secrets(), settings.nmsSign(),
                        unixSeconds.getAsLong());
                if (c != UrlSignature.Check.VALID) {
                    return done(refuse(Refusal.SIGNATURE, what + " needs a signed URL: " + c.description() + "."));
                }
            }
        }
        String url = hookUrl(call, settings, p.hooks());
        if (url.equals(HookSettings.OFF)) {
            return CompletableFuture.completedFuture(new Verdict.Allowed(name));
        }
        return ask(call, url, client, app, name, args, p.hooks());
    }

    /** Tells the app's done-hook that a publish or play ended; nothing waits for it. */
    public void ended(Call call, Client client, String app, String name, Map<String, String> args) {
        Policy p = policy;
        AppSettings settings = p == null ? null : p.apps().get(app);
        if (settings == null) {
            return;
        }
        String url = hookUrl(call, settings, p.hooks());
        if (!url.equals(HookSettings.OFF)) {
            send(url, form(call, client, app, name, args), p.hooks(), 0);
        }
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

    private static String hookUrl(Call call, AppSettings app, HookSettings hooks) {
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

    private CompletableFuture<Verdict> ask(Call call, String url, Client client, String app, String name,
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
        String what = call == Call.CONNECT ? "Connecting to " + app : (call == Call.PUBLISH ? "Publishing " : "Playing ")
                + app + "/" + name;
        log.debug("{} hook denied [url:{}, conn:{}, stream:{}/{}]: answered {}", call.text(), url, client.id(), app,
                name, status);
        return refuse(Refusal.HOOK, what + " was refused (on_" + call.text() + " answered " + status + ").");
    }

    private Verdict hookFailed(Call call, String url, Client client, String app, String name, String why) {
        log.warn("{} hook failed, denied [url:{}, conn:{}, stream:{}/{}]: {}", call.text(), url, client.id(), app,
                name == null ? "" : name, why);
        // The client hears that the check failed, not how: the log line has the URL and the detail.
        String what = call == Call.CONNECT ? "Connecting to " + app : (call == Call.PUBLISH ? "Publishing " : "Playing ")
                + app + "/" + name;
        return refuse(Refusal.HOOK, what + " was refused: the on_" + call.text() + " check gave no usable answer.");
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

    private static Throwable unwrap(Throwable e) {
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

    private static CompletableFuture<Verdict> done(Verdict v) {
        return CompletableFuture.completedFuture(v);
    }
}
