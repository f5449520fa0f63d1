package kt.acceptance;

import java.util.Collection;
import java.util.Map;

/** Just enough JSON writing for the scenarios' one-line results (no JSON library on the class path). */
final class Json {
  private Json() {}

  /** An object from alternating keys and values. */
  static String obj(Object... keysAndValues) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (i > 0) b.append(',');
      b.append(value(keysAndValues[i])).append(':').append(value(keysAndValues[i + 1]));
    }
    return b.append('}').toString();
  }

  static String value(Object v) {
    if (v == null) return "null";
    if (v instanceof Number || v instanceof Boolean) return v.toString();
    if (v instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("{");
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) b.append(',');
        first = false;
        b.append(value(String.valueOf(e.getKey()))).append(':').append(value(e.getValue()));
      }
      return b.append('}').toString();
    }
    if (v instanceof Collection<?> c) {
      StringBuilder b = new StringBuilder("[");
      boolean first = true;
      for (Object o : c) {
        if (!first) b.append(',');
        first = false;
        b.append(value(o));
      }
      return b.append(']').toString();
    }
    StringBuilder b = new StringBuilder("\"");
    for (char ch : v.toString().toCharArray()) {
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (ch < 0x20) b.append(String.format("\\u%04x", (int) ch));
          else b.append(ch);
        }
      }
    }
    return b.append('"').toString();
  }
}
