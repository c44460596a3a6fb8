// Java/Kotlin: pom.xml (parent, dependencies, java version) and build.gradle(.kts) (plugins,
// dependency coordinates, toolchain).
import { type Findings, named, type Repo, versionOf } from "./repo.js";

export const JVM_READS = ["pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts"];

/** artifact (or group:artifact prefix) → name. */
const FRAMEWORKS: [RegExp, string][] = [
  [/^org\.springframework\.boot:/, "Spring Boot"],
  [/^io\.quarkus:/, "Quarkus"],
  [/^io\.micronaut:/, "Micronaut"],
  [/^io\.ktor:/, "Ktor"],
  [/^io\.dropwizard:/, "Dropwizard"],
  [/^io\.vertx:/, "Vert.x"],
];
const TESTS: [RegExp, string][] = [
  [/^org\.junit\.jupiter:|^org\.junit:junit-bom/, "JUnit 5"],
  [/^junit:junit/, "JUnit 4"],
  [/^org\.testng:/, "TestNG"],
  [/^io\.kotest:/, "Kotest"],
  [/^org\.spockframework:/, "Spock"],
  [/^org\.mockito:/, "Mockito"],
];

interface Coord {
  id: string;
  version?: string;
  source: string;
}

function pomCoords(xml: string): Coord[] {
  const out: Coord[] = [];
  const tag = (block: string, name: string) => new RegExp(`<${name}>\\s*([^<]+?)\\s*</${name}>`).exec(block)?.[1];
  for (const m of xml.matchAll(/<(parent|dependency|plugin)>([\s\S]*?)<\/\1>/g)) {
    const group = tag(m[2], "groupId");
    const artifact = tag(m[2], "artifactId");
    if (group && artifact)
      out.push({ id: `${group}:${artifact}`, version: versionOf(tag(m[2], "version")), source: "pom.xml" });
  }
  return out;
}

function gradleCoords(text: string, source: string): Coord[] {
  const out: Coord[] = [];
  for (const m of text.matchAll(/["']([\w.-]+):([\w.-]+)(?::([\w.+-]+))?["']/g)) {
    out.push({ id: `${m[1]}:${m[2]}`, version: versionOf(m[3]), source });
  }
  for (const m of text.matchAll(/id\s*\(?\s*["']([\w.-]+)["']\s*\)?\s*version\s*["']([\w.+-]+)["']/g)) {
    out.push({ id: `${m[1]}:plugin`, version: versionOf(m[2]), source });
  }
  return out;
}

export function readJvm(repo: Repo, out: Findings): void {
  const coords: Coord[] = [];
  const pom = repo.text("pom.xml");
  if (pom) coords.push(...pomCoords(pom));
  const gradlePath = repo.first("build.gradle.kts", "build.gradle");
  const gradle = gradlePath ? repo.text(gradlePath) : null;
  if (gradlePath && gradle) coords.push(...gradleCoords(gradle, gradlePath));
  if (coords.length === 0 && !pom && !gradle) return;

  const pick = (list: [RegExp, string][], into: Findings["frameworks"]) => {
    for (const [re, name] of list) {
      const hits = coords.filter((c) => re.test(c.id));
      if (hits.length === 0) continue;
      const versioned = hits.find((c) => c.version);
      into.push({ value: named(name, versioned?.version), source: (versioned ?? hits[0]).source, ecosystem: "jvm" });
    }
  };
  pick(FRAMEWORKS, out.frameworks);
  pick(TESTS, out.tests);
  if (gradle && /useJUnitPlatform\(\)/.test(gradle) && !out.tests.some((t) => t.value.startsWith("JUnit"))) {
    out.tests.push({ value: "JUnit 5", source: gradlePath!, ecosystem: "jvm" });
  }
  const javaVersion =
    (pom && /<(?:java\.version|maven\.compiler\.release|maven\.compiler\.source)>\s*([\d.]+)\s*</.exec(pom)?.[1]) ||
    (gradle &&
      /JavaLanguageVersion\.of\(\s*(\d+)\s*\)|sourceCompatibility\s*=\s*['"]?(?:JavaVersion\.VERSION_)?([\d._]+)/.exec(
        gradle,
      ));
  const jv =
    typeof javaVersion === "string" ? javaVersion : javaVersion ? (javaVersion[1] ?? javaVersion[2]) : undefined;
  if (jv) out.conventions.push({ value: `Java ${jv.replace(/_/g, ".")}`, source: pom ? "pom.xml" : gradlePath! });
  out.conventions.push({ value: pom ? "Build: Maven" : "Build: Gradle", source: pom ? "pom.xml" : gradlePath! });
  if (repo.dirs.has("src/main/java") || repo.dirs.has("src/main/kotlin")) {
    out.patterns.push({ value: "Maven standard layout (src/main, src/test)", source: "src/main" });
  }
}
