package dev.mnistfcn.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * YAML text → a Jackson tree that remembers what the user wrote, and a config → YAML text. One mapper for
 * reading, binding and writing, so that config.resolved.yaml reads back as the config that ran.
 */
final class YamlTree {
    static final ObjectMapper YAML = JsonMapper.builder(YAMLFactory.builder()
                    // on by default in new YAMLFactory() but not in its builder: "- " alone is null, not ""
                    .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .stringQuotingChecker(new QuoteUnlessReadBackAsText())
                    .build())
            .propertyNamingStrategy(KeyTypes.NAMING)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private YamlTree() {
    }

    /**
     * The YAML tree as Jackson's readTree builds it (YAML's own typing: {@code 012} is octal 10), plus, by JSON
     * pointer, the text of each plain scalar that YAML read as a number or true/false, so that a text key can
     * get what the user wrote. Null for an empty document.
     */
    static JsonNode read(String text, String where, Map<String, String> written) {
        try (JsonParser p = YAML.createParser(text)) {
            if (p.nextToken() == null) return null;
            JsonNode root = node(p, where, written);
            if (p.nextToken() != null) {
                throw YamlLines.secondDocument(where, p.currentLocation());
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new ConfigException(where + ": not valid YAML" + YamlLines.syntaxError(e) + ". Fix the syntax (indentation, "
                    + "a ':' after each key, matching quotes and brackets).");
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading from a String
        }
    }

    private static JsonNode node(JsonParser p, String where, Map<String, String> written) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                ObjectNode obj = f.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    obj.set(key, node(p, where, written));
                }
                return obj;
            }
            case START_ARRAY -> {
                ArrayNode arr = f.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) arr.add(node(p, where, written));
                return arr;
            }
            case VALUE_STRING -> {
                YamlLines.refuseAlias(where, p);
                return f.textNode(p.getText());
            }
            case VALUE_NULL -> {
                // "dir: ~" is YAML's null, but a folder key takes it as the home folder (KeyTypes.keepTextAsWritten)
                if ("~".equals(p.getText())) written.put(p.getParsingContext().pathAsPointer().toString(), "~");
                return f.nullNode();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                written.put(p.getParsingContext().pathAsPointer().toString(), p.getText());
                return f.booleanNode(t == JsonToken.VALUE_TRUE);
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                written.put(p.getParsingContext().pathAsPointer().toString(), p.getText());
                try {
                    return switch (p.getNumberType()) {
                        case INT -> f.numberNode(p.getIntValue());
                        case LONG -> f.numberNode(p.getLongValue());
                        case BIG_INTEGER -> f.numberNode(p.getBigIntegerValue());
                        case BIG_DECIMAL -> f.numberNode(p.getDecimalValue());
                        default -> {
                            // 1e999 is Infinity to Java, 1e-400 is 0: as text, a number key names it
                            double d = p.getDoubleValue();
                            yield DottedKeys.representable(p.getText(), d) ? f.numberNode(d) : f.textNode(p.getText());
                        }
                    };
                } catch (JsonProcessingException | NumberFormatException e) {
                    // YAML calls it a number but Java cannot read it (.inf, .nan): a number key then names it.
                    return f.textNode(p.getText());
                }
            }
            default -> {
                return f.textNode(p.getText());
            }
        }
    }

    static String write(ExperimentConfig config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Quotes a text value wherever a YAML reader would read the plain scalar back as something else
     * ({@code 1.10}, {@code 0x10}, {@code 1e3}, {@code off}, {@code ~}), so config.resolved.yaml says what ran.
     */
    private static final class QuoteUnlessReadBackAsText extends StringQuotingChecker.Default {
        private static final YAMLFactory PLAIN = new YAMLFactory();

        @Override
        public boolean needToQuoteValue(String value) {
            if (super.needToQuoteValue(value)) return true;
            try (JsonParser p = PLAIN.createParser(value)) {
                return p.nextToken() != JsonToken.VALUE_STRING || !value.equals(p.getText()) || p.nextToken() != null;
            } catch (IOException e) {
                return true;
            }
        }
    }
}
