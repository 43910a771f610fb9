package dev.sluice.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code sluice keys create|list|revoke} (admin). */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = "Make, list and revoke API keys (admin key).",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Callable<Integer> {

    @ParentCommand
    SluiceCli cli;

    @Override
    public Integer call() {
        new CommandLine(this).usage(cli.out);
        return 2;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Make a key; it is shown this once.")
    static final class Create implements Callable<Integer> {

        @ParentCommand
        KeysCommand keys;

        @Mixin
        OutputOption output;

        @Option(names = "--project", required = true, description = "its project (made if new)")
        String project;

        @Option(names = "--name", required = true, description = "what it is for")
        String name;

        @Option(
                names = "--scope",
                required = true,
                split = ",",
                description = "read, submit, admin (repeat, or comma-separate)")
        List<String> scopes;

        @Option(names = "--expires", description = "when it stops working (RFC 3339); default never")
        String expires;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("project", project);
            body.put("name", name);
            body.put("scopes", scopes);
            body.put("expires_at", expires);
            JsonNode k = keys.cli.client().post("/api/v1/keys", SluiceClient.JSON.writeValueAsString(body));
            if (output.json()) {
                keys.cli.out.println(k);
            } else {
                keys.cli.out.println(k.get("key").asString());
                keys.cli.err.println(
                        "key " + k.get("id").asLong() + " for project " + project + ": shown this once, keep it now");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
    static final class ListKeys implements Callable<Integer> {

        @ParentCommand
        KeysCommand keys;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            JsonNode all = keys.cli.client().get("/api/v1/keys");
            if (output.json()) {
                keys.cli.out.println(all);
                return 0;
            }
            keys.cli.out.printf(
                    "%-6s %-16s %-20s %-20s %-22s %s%n", "ID", "PREFIX", "PROJECT", "NAME", "SCOPES", "STATE");
            for (JsonNode k : all.get("keys").values()) {
                keys.cli.out.printf(
                        "%-6d %-16s %-20s %-20s %-22s %s%n",
                        k.get("id").asLong(),
                        k.get("prefix").asString(),
                        k.get("project").asString(),
                        k.get("name").asString(),
                        k.get("scopes").toString(),
                        k.path("revoked_at").isNull() || k.path("revoked_at").isMissingNode() ? "live" : "revoked");
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key: refused from now on.")
    static final class Revoke implements Callable<Integer> {

        @ParentCommand
        KeysCommand keys;

        @Mixin
        OutputOption output;

        @Parameters(index = "0", paramLabel = "ID")
        long id;

        @Override
        public Integer call() {
            JsonNode a = keys.cli.client().delete("/api/v1/keys/" + id);
            keys.cli.out.println(output.json() ? a.toString() : "key " + id + " revoked");
            return 0;
        }
    }
}
