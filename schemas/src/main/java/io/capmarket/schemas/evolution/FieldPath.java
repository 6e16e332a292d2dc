package io.capmarket.schemas.evolution;

import org.apache.avro.Schema;

/**
 * Turns the JSON-pointer location of an Avro incompatibility ({@code /fields/3/type/1/fields/0})
 * into a dotted field path a person can read ({@code command.requestId}).
 */
final class FieldPath {

    private FieldPath() {
    }

    static String of(Schema root, String pointer) {
        String[] segments = pointer.split("/");
        StringBuilder path = new StringBuilder();
        Schema schema = root;
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            if (schema == null) {
                break;
            }
            switch (segment) {
                case "fields" -> {
                    if (i + 1 >= segments.length || schema.getType() != Schema.Type.RECORD) {
                        return path.isEmpty() ? pointer : path.toString();
                    }
                    int index = Integer.parseInt(segments[++i]);
                    if (index >= schema.getFields().size()) {
                        return path.isEmpty() ? pointer : path.toString();
                    }
                    Schema.Field field = schema.getFields().get(index);
                    if (!path.isEmpty()) {
                        path.append('.');
                    }
                    path.append(field.name());
                    schema = field.schema();
                    // a pointer ends at a field, or continues into its "type"
                    if (i + 1 < segments.length && segments[i + 1].equals("type")) {
                        i++;
                    }
                }
                case "items" -> schema = schema.getElementType();
                case "values" -> schema = schema.getValueType();
                default -> {
                    if (schema.getType() == Schema.Type.UNION && segment.chars().allMatch(Character::isDigit)) {
                        int branch = Integer.parseInt(segment);
                        schema = branch < schema.getTypes().size() ? schema.getTypes().get(branch) : null;
                    } else {
                        return path.isEmpty() ? pointer : path.toString();
                    }
                }
            }
        }
        return path.isEmpty() ? "(root)" : path.toString();
    }
}
