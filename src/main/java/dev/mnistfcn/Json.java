package dev.mnistfcn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper for what mnist-fcn writes (metrics.json, model metadata, benchmark lines):
 * snake_case keys, indented; reading ignores keys a newer version may have added.
 */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {
    }

    /**
     * A Jackson parse error's own words for a user: what is wrong, without its advice to developers (which parser
     * feature to enable, which constraint was hit), its dump of the source or the YAML parser's event classes, which
     * a user can change none of. The location is left to the caller.
     */
    public static String problem(JsonProcessingException e) {
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        m = m.replaceAll(",? from `[^`]*`", "");
        for (String cut : new String[]{": enable ", " at [Source", "\n"}) {
            int i = m.indexOf(cut);
            if (i >= 0) m = m.substring(0, i);
        }
        m = m.replaceAll("<org\\.yaml\\.snakeyaml\\.events\\.(\\w+?)(Start)?Event\\([^>]*\\)>", "a $1");
        return m.replaceAll("\\s*\\(?`[^`]*`\\)?", "").trim();
    }
}
