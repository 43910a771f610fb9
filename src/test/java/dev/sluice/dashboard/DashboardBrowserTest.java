package dev.sluice.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.Api;
import dev.sluice.TestKeys;
import dev.sluice.TinkerSluiceTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromium-driver): sign in with
 * a key, see the overview's charts drawn with data, open a batch and a job's timeline, pause and
 * resume an upstream with its buttons and see the API agree, and find no buttons for a read key.
 * Screenshots go to target/screenshots for a reviewer.
 */
@TinkerSluiceTest
@TestPropertySource(properties = "sluice.reporting.snapshot-interval=1s")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    WebDriver browser;
    Api admin;
    String project;
    String submitKey;
    String readKey;
    String producerKey;
    long batchId;

    @BeforeAll
    void start() throws IOException {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER))
                .as(
                        "the browser test needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver")
                .isTrue();
        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1400,1000",
                "--user-data-dir=" + Files.createTempDirectory("sluice-chromium"));
        browser = new ChromeDriver(
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(DRIVER.toFile())
                        .usingAnyFreePort()
                        .build(),
                options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));

        admin = new Api(port);
        project = "ui-" + UUID.randomUUID().toString().substring(0, 8);
        submitKey = key("submit", "read");
        readKey = key("read");
        producerKey = key("submit");
        batchId = submitBatch();
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    private String key(String... scopes) {
        Api.Answer a = admin.postJson("/api/v1/keys", """
                {"project":"%s","name":"ui","scopes":["%s"],"expires_at":null}""".formatted(project, String.join("\",\"", scopes)));
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.json().get("key").asString();
    }

    /** A batch on the emulator, awaited to the end, and a snapshot that counted it. */
    private long submitBatch() {
        StringBuilder body = new StringBuilder();
        String[] priorities = {"high", "normal", "low"};
        for (int i = 0; i < 12; i++) {
            body.append("""
                    {"custom_id":"c%d","endpoint":"/api/v1/asample","priority":"%s","payload":{"base_model":"Qwen/Qwen3-0.6B","prompt":{"chunks":[]},"num_samples":1},"token_count":5}
                    """.formatted(i, priorities[i % 3]));
        }
        Api team = admin.as(submitKey);
        Api.Answer made = team.post("/api/v1/batches?upstream=mint", "application/x-ndjson", body.toString());
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        long id = made.json().get("batch_id").asLong();
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        team.get("/api/v1/batches/" + id).json().get("finished").asBoolean());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("""
                        SELECT coalesce(sum(s.succeeded), 0) FROM project_snapshot s JOIN project p ON p.id = s.project_id
                        WHERE p.name = ?""").param(project).query(Long.class).single() == 12);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "finished"
                        .equals(team.get("/api/v1/batches")
                                .json()
                                .get("batches")
                                .get(0)
                                .get("state")
                                .asString()));
        return id;
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private void signIn(String key) {
        browser.manage().deleteAllCookies();
        browser.get(url("/login"));
        browser.findElement(By.name("key")).sendKeys(key);
        browser.findElement(By.cssSelector("#login button")).click();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !browser.getCurrentUrl().endsWith("/login"));
    }

    private void shoot(String name) throws IOException {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    }

    /** The charts on the page once uPlot has drawn them: each with its number of points. */
    private List<WebElement> drawnCharts(int atLeast) {
        await().atMost(Duration.ofSeconds(15))
                .until(() -> browser.findElements(By.cssSelector("div.chart[data-drawn='true'] canvas"))
                                .size()
                        >= atLeast);
        return browser.findElements(By.cssSelector("div.chart[data-drawn='true']"));
    }

    private static int points(WebElement chart) {
        return Integer.parseInt(chart.getDomAttribute("data-points"));
    }

    @Test
    void anAdminSeesTheOverviewABatchAndAJobTimelineAndPausesAnUpstream() throws IOException {
        signIn(TestKeys.ADMIN);

        assertThat(browser.getCurrentUrl()).isEqualTo(url("/"));
        List<WebElement> charts = drawnCharts(4);
        assertThat(charts)
                .extracting(c -> c.getDomAttribute("id"))
                .contains("chart-depth", "chart-throughput", "chart-queue-wait", "chart-upstream-wait");
        assertThat(charts)
                .allSatisfy(
                        c -> assertThat(points(c)).as(c.getDomAttribute("id")).isPositive());
        assertThat(browser.findElement(By.id("usage")).getText()).contains("mint");
        assertThat(browser.findElements(By.cssSelector("#nodes tr"))).hasSizeGreaterThan(1);
        shoot("overview");
        browser.findElement(By.linkText("7d")).click();
        assertThat(drawnCharts(4)).hasSize(4);

        browser.findElement(By.linkText("Batches")).click();
        WebElement row = arrived(By.linkText(Long.toString(batchId)));
        shoot("batches");
        row.click();
        assertThat(arrived(By.id("batch-state")).getText()).isEqualTo("finished");
        assertThat(browser.findElement(By.cssSelector("#counts td[data-state='succeeded']"))
                        .getText())
                .isEqualTo("12");
        assertThat(points(drawnCharts(1).getFirst())).isPositive();
        assertThat(browser.findElement(By.id("waits")).getText()).contains("In Sluice's queue");
        shoot("batch");

        browser.findElement(By.cssSelector("#jobs tr.job-row a")).click();
        assertThat(arrived(By.id("job-state")).getText()).isEqualTo("succeeded");
        WebElement timeline = drawnCharts(1).getFirst();
        assertThat(timeline.getDomAttribute("id")).isEqualTo("chart-timeline");
        assertThat(points(timeline)).isGreaterThanOrEqualTo(3);
        assertThat(browser.findElements(By.cssSelector("#history tr.history-row")))
                .hasSizeGreaterThanOrEqualTo(3);
        assertThat(browser.findElement(By.id("phases")).getText()).contains("waiting in Sluice");
        assertThat(browser.findElement(By.id("result")).getText()).isNotBlank();
        shoot("job");

        browser.findElement(By.linkText("Upstreams")).click();
        arrived(By.cssSelector("#upstream-pacedmint input[name='reason']")).sendKeys("from the browser test");
        browser.findElement(By.cssSelector("#upstream-pacedmint button.pause")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> noticeSays("Paused pacedmint"));
        assertThat(paused("pacedmint")).as("the API agrees").isEqualTo("from the browser test");
        shoot("upstreams-paused");
        browser.findElement(By.cssSelector("#upstream-pacedmint button.resume")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> noticeSays("Resumed pacedmint"));
        assertThat(paused("pacedmint")).isNull();
    }

    /** Whether the page the last action led to says {@code text} (it has loaded). */
    private boolean noticeSays(String text) {
        return browser.findElements(By.id("notice")).stream()
                .anyMatch(n -> n.getText().contains(text));
    }

    /** The upstream's pause reason as GET /api/v1/upstreams gives it; null when not paused. */
    private String paused(String upstream) {
        JsonNode all = admin.get("/api/v1/upstreams").json().get("upstreams");
        for (JsonNode u : all.values()) {
            if (u.get("name").asString().equals(upstream)) {
                JsonNode p = u.get("paused");
                return p == null || p.isNull() ? null : p.get("reason").asString();
            }
        }
        throw new AssertionError("no upstream " + upstream);
    }

    @Test
    void aReadKeySeesItsProjectWithNoButtons() throws IOException {
        signIn(readKey);

        assertThat(browser.findElement(By.id("who-scope")).getText()).isEqualTo("read");
        assertThat(browser.findElement(By.id("who-project")).getText()).isEqualTo(project);
        assertThat(drawnCharts(4)).allSatisfy(c -> assertThat(points(c)).isPositive());
        assertThat(browser.findElements(By.linkText("Upstreams"))).isEmpty();
        assertThat(browser.findElements(By.linkText("Keys"))).isEmpty();

        browser.get(url("/ui/batches/" + batchId));
        assertThat(browser.findElement(By.id("batch-id")).getText()).isEqualTo(Long.toString(batchId));
        assertThat(browser.findElements(By.cssSelector("main button")))
                .as("no action buttons")
                .isEmpty();
        browser.findElement(By.cssSelector("#jobs tr.job-row a")).click();
        assertThat(arrived(By.id("job-id")).getText()).isNotBlank();
        assertThat(browser.findElements(By.cssSelector("main button"))).isEmpty();
        shoot("read-key-job");

        browser.get(url("/ui/upstreams"));
        assertThat(browser.findElements(By.cssSelector("button.pause"))).isEmpty();
    }

    /**
     * What {@code by} finds once the page a click went to has loaded: a click does not wait for
     * the navigation it starts (with the suite's forks busy, a form's answer took long enough to
     * show it).
     */
    private WebElement arrived(By by) {
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(() -> !browser.findElements(by).isEmpty());
        return browser.findElement(by);
    }

    private String loginError() {
        return arrived(By.id("login-error")).getText();
    }

    @Test
    void aBadKeyIsRefusedAndAFormWithoutItsCsrfTokenIsRefused() throws Exception {
        browser.manage().deleteAllCookies();
        browser.get(url("/login"));
        browser.findElement(By.name("key")).sendKeys("sk-sluice-not-a-key-at-all-000000000000");
        browser.findElement(By.cssSelector("#login button")).click();
        assertThat(loginError()).startsWith("Not signed in: key");
        browser.get(url("/"));
        assertThat(browser.getCurrentUrl()).as("not signed in: back to /login").isEqualTo(url("/login"));
        browser.findElement(By.name("key")).sendKeys(producerKey);
        browser.findElement(By.cssSelector("#login button")).click();
        assertThat(loginError())
                .as("a submit-only key reads no jobs, so it cannot sign in")
                .contains("no read scope");

        // A signed-in session posting an action without the form's token changes nothing.
        HttpClient http = HttpClient.newBuilder()
                .cookieHandler(new java.net.CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        String form = http.send(
                        HttpRequest.newBuilder(URI.create(url("/login"))).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        String token = form.replaceAll("(?s).*name=\"_csrf\" value=\"([^\"]+)\".*", "$1");
        HttpResponse<String> in = http.send(
                HttpRequest.newBuilder(URI.create(url("/login")))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("key=" + submitKey + "&_csrf=" + token))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(in.statusCode()).isEqualTo(302);
        assertThat(in.headers().firstValue("Location").orElseThrow()).endsWith("/");
        HttpResponse<String> forged = http.send(
                HttpRequest.newBuilder(URI.create(url("/ui/batches/" + batchId + "/retry-failed")))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
    }
}
