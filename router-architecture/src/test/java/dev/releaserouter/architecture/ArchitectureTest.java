package dev.releaserouter.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Set;

/**
 * The module layering, checked on every module's main classes (tests are not imported). A module
 * is known by its package root: {@code dev.releaserouter.<module>..} (api, stats, core, replay,
 * rollout, governance, redis, kafka, micrometer, prometheus, spring, testkit, cli, benchmarks).
 */
@AnalyzeClasses(packages = "dev.releaserouter",
        importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String ROOT = "dev.releaserouter.";

    /**
     * The module a package belongs to: the first segment after {@code dev.releaserouter}.
     *
     * @param packageName a package of the project
     * @return e.g. {@code rollout} for {@code dev.releaserouter.rollout.gates}
     */
    static String module(String packageName) {
        String rest = packageName.substring(ROOT.length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    static boolean isInternal(String packageName) {
        return packageName.endsWith(".internal") || packageName.contains(".internal.");
    }

    /**
     * No package cycles, within a module or across modules. One exception, the only cycle left
     * in router-api: {@code Router} and {@code RouterStatus} (root package) name types of
     * {@code api.config} and {@code api.shadow}, which name root types back. {@code api.admin}
     * is out of it since {@code Router} lost {@code admin()}: the admin names the router, never
     * the reverse.
     */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.releaserouter.(**)")
            .should().beFreeOfCycles()
            .ignoreDependency(describe("Router or RouterStatus",
                    c -> Set.of("dev.releaserouter.api.Router",
                            "dev.releaserouter.api.RouterStatus").contains(c.getName())),
                    describe("a type of api.config or api.shadow",
                            c -> Set.of("dev.releaserouter.api.config",
                                    "dev.releaserouter.api.shadow")
                                    .contains(c.getPackageName())));

    /**
     * A {@code Router} evaluates; changing routing is the separate {@code RouterAdmin}
     * capability. No class is both, so no holder of a {@code Router} reaches the admin by a cast
     * (a test double such as the testkit's {@code FakeRouter} may offer its admin through a
     * method of its own).
     */
    @ArchTest
    static final ArchRule noRouterIsAlsoItsAdmin = noClasses()
            .that().areAssignableTo("dev.releaserouter.api.Router")
            .should().beAssignableTo("dev.releaserouter.api.admin.RouterAdmin");

    /** The flag source talks to the router through a private listener, not the router itself. */
    @ArchTest
    static final ArchRule noRouterIsAFlagSourceListener = noClasses()
            .that().areAssignableTo("dev.releaserouter.api.Router")
            .should().beAssignableTo("dev.releaserouter.api.config.FlagSource$Listener");

    /**
     * An {@code internal} package is its module's own business. The JMH benchmarks are exempt:
     * they measure internals (budget ledger, audit codec) on purpose.
     */
    @ArchTest
    static final ArchRule noModuleUsesAnotherModulesInternals = classes()
            .that().resideInAPackage("dev.releaserouter..")
            .and().resideOutsideOfPackage("dev.releaserouter.benchmarks..")
            .should(new ArchCondition<JavaClass>("use no internal package of another module") {
                @Override
                public void check(JavaClass origin, ConditionEvents events) {
                    String from = module(origin.getPackageName());
                    for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                        String target = d.getTargetClass().getPackageName();
                        if (target.startsWith(ROOT) && isInternal(target)
                                && !module(target).equals(from)) {
                            events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                        }
                    }
                }
            });

    /** router-core is the router; the features built on it depend on it, never the reverse. */
    @ArchTest
    static final ArchRule coreUsesNoModuleBuiltOnIt = noClasses()
            .that().resideInAPackage("dev.releaserouter.core..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.releaserouter.rollout..",
                    "dev.releaserouter.governance..", "dev.releaserouter.replay..",
                    "dev.releaserouter.micrometer..", "dev.releaserouter.kafka..",
                    "dev.releaserouter.prometheus..");

    /** The gates know external metric sources by their SPI only, never router-prometheus. */
    @ArchTest
    static final ArchRule rolloutUsesNoMetricsBackend = noClasses()
            .that().resideInAPackage("dev.releaserouter.rollout..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.releaserouter.prometheus..",
                    "dev.releaserouter.micrometer..");

    /** Micrometer only in router-micrometer and what wires or measures it. */
    @ArchTest
    static final ArchRule micrometerOnlyInItsModule = noClasses()
            .that().resideInAPackage("dev.releaserouter..")
            .and().resideOutsideOfPackages("dev.releaserouter.micrometer..",
                    "dev.releaserouter.spring..", "dev.releaserouter.benchmarks..",
                    "dev.releaserouter.samples..")
            .should().dependOnClassesThat().resideInAPackage("io.micrometer..");

    /** Kafka clients only in router-kafka (exposure events to a topic). */
    @ArchTest
    static final ArchRule kafkaOnlyInItsModule = noClasses()
            .that().resideInAPackage("dev.releaserouter..")
            .and().resideOutsideOfPackage("dev.releaserouter.kafka..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..");

    /** Spring only in router-spring-autoconfigure. */
    @ArchTest
    static final ArchRule springOnlyInItsModule = noClasses()
            .that().resideInAPackage("dev.releaserouter..")
            .and().resideOutsideOfPackage("dev.releaserouter.spring..")
            .should().dependOnClassesThat().resideInAPackage("org.springframework..");
}
