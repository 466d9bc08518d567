package dev.mnistfcn.sweep.spark;

import dev.mnistfcn.UserError;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A cluster master runs with Spark's authentication and no driver UI; an embedded Spark needs neither. */
class SparkSecurityTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @Test
    void aClusterMasterGetsAuthenticationWithTheUsersSecretAndNoUi() {
        for (String master : new String[]{"spark://10.0.0.5:7077", "spark://127.0.0.1:7077", "yarn", "k8s://https://k:6443"}) {
            assertEquals(Map.of("spark.authenticate", "true", "spark.authenticate.secret", SECRET, "spark.ui.enabled", "false"),
                    SparkEngine.security(master, Map.of(SparkEngine.SECRET_VARIABLE, SECRET)::get), master);
        }
    }

    @Test
    void anEmbeddedSparkNeedsNoSecret() {
        for (String master : new String[]{"local", "local[2]", "local[*]"}) {
            assertEquals(Map.of(), SparkEngine.security(master, name -> null), master);
        }
    }

    @Test
    void aMissingOrShortSecretIsOneParagraphNamingTheVariable() {
        String missing = assertThrows(UserError.class,
                () -> SparkEngine.security("spark://10.0.0.5:7077", name -> null)).getMessage();
        assertTrue(missing.startsWith("--master spark://10.0.0.5:7077 is a cluster, and mnist-fcn runs a cluster only "
                + "with Spark's authentication on: set the environment variable MNIST_FCN_SPARK_SECRET"), missing);
        assertTrue(missing.endsWith("it is not set."), missing);
        assertEquals(1, missing.lines().count());
        String shortOne = assertThrows(UserError.class, () -> SparkEngine.security("spark://10.0.0.5:7077",
                Map.of(SparkEngine.SECRET_VARIABLE, "hunter2")::get)).getMessage();
        assertTrue(shortOne.endsWith("it is 7 characters long."), shortOne);
        // Before any Spark context starts: the engine refuses when it first needs one.
        SparkEngine engine = new SparkEngine("spark://10.0.0.5:7077");
        if (System.getenv(SparkEngine.SECRET_VARIABLE) == null) {
            assertThrows(UserError.class, engine::context);
        }
    }
}
