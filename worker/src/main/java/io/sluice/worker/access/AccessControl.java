package io.sluice.worker.access;

import io.sluice.common.access.AccessRule;
import io.sluice.common.access.UrlSignature;
import io.sluice.common.config.AppSettings;
import io.sluice.common.config.HookSettings;
import io.sluice.common.config.SluiceConfig;
import io.sluice.common.protocol.AdmitOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
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

    private record Policy(Map<String, AppSettings> apps, HookSettings hooks) {
    }

    private volatile Policy policy;
    private volatile String clusterSecret;
    private final HookCaller hooks;
    private volatile Limits limits = new LocalLimits(() -> {
        Policy p = policy;
        return p == null ? Map.of() : p.apps();
    });
    private final AtomicLong tickets = new AtomicLong();
    private final LongSupplier unixSeconds;
    private final Map<Refusal, LongAdder> refused = new EnumMap<>(Refusal.class);

    /**
     * @param hooks      makes the hook sender when the first hook is called (no threads before)
     * @param nanoClock  for the decision cache
     * @param unixSeconds for signed URLs
     */
    public AccessControl(SluiceConfig config, Supplier<Hooks> hooks, LongSupplier nanoClock, LongSupplier unixSeconds) {
        this.policy = config == null ? null : new Policy(config.apps(), config.hooks());
        this.clusterSecret = config == null ? "" : config.cluster().secret();
        this.hooks = new HookCaller(hooks, nanoClock, this::refuse);
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
        clusterSecret = config.cluster().secret();
        hooks.clearCache();
    }

    /**
     * Whether {@code args} carry a valid relay token of another host of the cluster for
     * {@code app} (see {@link io.sluice.common.access.RelayToken}): such a connection is not a
     * client, and passes the rules and hooks meant for clients.
     */
    public boolean clusterRelay(String app, Map<String, String> args) {
        String token = args == null ? null : args.get(io.sluice.common.access.RelayToken.ARG);
        return token != null && io.sluice.common.access.RelayToken.verify(app, token, clusterSecret,
                unixSeconds.getAsLong());
    }

    /** The secret relays to other hosts sign their tokens with; empty on a single host. */
    public String clusterSecret() {
        return clusterSecret;
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
                out.put(why.name().toLowerCase(Locale.ROOT), n.sum());
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
        AdmitOrder order = new AdmitOrder(
                "t" + tickets.incrementAndGet(), call == Call.PUBLISH ? "publish" : "play", app, name, client.addr());
        String what = HookCaller.what(call, app, name);
        CompletableFuture<String> asked;
        try {
            asked = limits.admit(order);
        } catch (RuntimeException e) {
            asked = CompletableFuture.failedFuture(e);
        }
        return asked.handle((reason, error) -> {
            if (error != null) {
                log.warn("limits of {} could not be checked, refused [conn:{}, stream:{}/{}]: {}", app, client.id(), app,
                        name, HookCaller.unwrap(error).toString());
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
            String what = HookCaller.what(call, app, name);
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
        String url = HookCaller.hookUrl(call, settings, p.hooks());
        if (url.equals(HookSettings.OFF)) {
            return CompletableFuture.completedFuture(new Verdict.Allowed(name));
        }
        return hooks.ask(call, url, client, app, name, args, p.hooks());
    }

    /** Tells the app's done-hook that a publish or play ended; nothing waits for it. */
    public void ended(Call call, Client client, String app, String name, Map<String, String> args) {
        Policy p = policy;
        AppSettings settings = p == null ? null : p.apps().get(app);
        if (settings == null) {
            return;
        }
        String url = HookCaller.hookUrl(call, settings, p.hooks());
        if (!url.equals(HookSettings.OFF)) {
            hooks.ended(call, url, client, app, name, args, p.hooks());
        }
    }

    private static CompletableFuture<Verdict> done(Verdict v) {
        return CompletableFuture.completedFuture(v);
    }
}
