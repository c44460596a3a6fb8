// The manifest and tool readers on small in-memory repositories (the fixture folders cover the
// common stacks in index.test.ts; these cover the rest).
import { describe, expect, it } from "vitest";
import { extractContext, type RepoSource } from "./index.js";

function repo(files: Record<string, string>): RepoSource {
  return {
    files: async () => Object.entries(files).map(([path, text]) => ({ path, size: Buffer.byteLength(text) })),
    read: async (path) => files[path] ?? null,
  };
}

describe("manifest readers", () => {
  it("reads a Spring Boot Maven project with JUnit 5", async () => {
    const ctx = await extractContext(
      repo({
        "pom.xml": `<project>
  <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.2.4</version></parent>
  <properties><java.version>21</java.version></properties>
  <dependencies>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>
    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>5.10.2</version></dependency>
  </dependencies>
</project>`,
        "src/main/java/com/acme/App.java": "class App {}",
        "src/test/java/com/acme/AppTest.java": "class AppTest {}",
      }),
    );
    expect(ctx.language?.value).toBe("Java");
    expect(ctx.framework).toEqual({ value: "Spring Boot 3.2.4", source: "pom.xml" });
    expect(ctx.test_framework).toEqual({ value: "JUnit 5 5.10.2", source: "pom.xml" });
    expect(ctx.conventions?.value).toEqual(["Java 21", "Build: Maven"]);
    expect(ctx.test_patterns?.value).toEqual(["*Test.java in src/test/"]);
  });

  it("reads a Gradle Kotlin build", async () => {
    const ctx = await extractContext(
      repo({
        "build.gradle.kts": `plugins { id("io.ktor.plugin") version "2.3.9" }
dependencies { implementation("io.ktor:ktor-server-core:2.3.9") }
tasks.test { useJUnitPlatform() }
java { toolchain { languageVersion.set(JavaLanguageVersion.of(17)) } }`,
        "src/main/kotlin/App.kt": "fun main() {}",
      }),
    );
    expect(ctx.framework?.value).toBe("Ktor 2.3.9");
    expect(ctx.test_framework?.value).toBe("JUnit 5");
    expect(ctx.conventions?.value).toEqual(["Java 17", "Build: Gradle"]);
  });

  it("reads a Laravel composer.json with Pest and PSR-4", async () => {
    const ctx = await extractContext(
      repo({
        "composer.json": JSON.stringify({
          description: "Billing portal.",
          require: { php: "^8.2", "laravel/framework": "^11.0" },
          "require-dev": { "pestphp/pest": "^2.34", "phpstan/phpstan": "^1.10" },
          autoload: { "psr-4": { "App\\": "app/" } },
        }),
        "app/Models/User.php": "<?php class User {}",
        "tests/Feature/UserTest.php": "<?php",
      }),
    );
    expect(ctx.framework?.value).toBe("Laravel 11.0");
    expect(ctx.test_framework?.value).toBe("Pest 2.34");
    expect(ctx.description).toEqual({ value: "Billing portal.", source: "composer.json" });
    expect(ctx.conventions?.value).toEqual(["PHP ^8.2", "PHPStan", "PSR-4 autoloading: App\\ → app/"]);
    expect(ctx.test_patterns?.value).toEqual(["*Test.php in tests/"]);
  });

  it("reads Poetry and requirements files, and Black/isort/flake8", async () => {
    const ctx = await extractContext(
      repo({
        "pyproject.toml": `[tool.poetry]
description = "Scrapes things."
[tool.poetry.dependencies]
python = "^3.11"
django = "^5.0"
[tool.poetry.group.dev.dependencies]
pytest = { version = "^8.0" }
[tool.black]
line-length = 88
[tool.isort]
profile = "black"
`,
        "requirements.txt": "-r base.txt\ncelery[redis]==5.3.6 ; python_version > '3.8'\n",
        ".flake8": "[flake8]\nmax-line-length = 88\n",
        "poetry.lock": "",
        "app/views.py": "x = 1",
      }),
    );
    expect(ctx.framework?.value).toBe("Django 5.0");
    expect(ctx.test_framework?.value).toBe("pytest 8.0");
    expect(ctx.description?.value).toBe("Scrapes things.");
    expect(ctx.conventions?.value).toEqual([
      "Package manager: Poetry",
      "Black formatting: line length 88",
      "isort import order (profile black)",
      "flake8: max line length 88",
    ]);
  });

  it("reads an npm workspaces monorepo: frameworks from member manifests, Next.js hiding React", async () => {
    const ctx = await extractContext(
      repo({
        "package.json": JSON.stringify({
          private: true,
          workspaces: ["apps/*", "packages/*"],
          packageManager: "pnpm@9.1.0",
        }),
        "apps/web/package.json": JSON.stringify({ dependencies: { next: "14.2.3", react: "^18.3.1" } }),
        "apps/api/package.json": JSON.stringify({
          dependencies: { fastify: "^4.26.0" },
          devDependencies: { jest: "^29.7.0" },
        }),
        "packages/ui/package.json": JSON.stringify({ peerDependencies: { react: "^18" } }),
        "apps/web/app/page.tsx": "export default function Page() { return null }",
        "apps/api/src/server.test.ts": "",
        ".prettierrc": "semi: false\nsingleQuote: true\nprintWidth: 100\n",
        "eslint.config.js":
          'import js from "@eslint/js";\nimport ts from "typescript-eslint";\nexport default [js.configs.recommended];',
        "turbo.json": "{}",
      }),
    );
    expect(ctx.framework).toEqual({
      value: "Next.js 14.2.3, Fastify 4.26.0",
      source: "apps/web/package.json, apps/api/package.json",
    });
    expect(ctx.test_framework).toEqual({ value: "Jest 29.7.0", source: "apps/api/package.json" });
    expect(ctx.conventions?.value).toEqual([
      "Package manager: pnpm 9.1.0",
      "Prettier for formatting: print width 100, no semicolons, single quotes",
      "ESLint flat config (uses @eslint/js, typescript-eslint)",
    ]);
    expect(ctx.patterns?.value).toEqual([
      "Monorepo (npm workspaces): apps/api, apps/web, packages/ui",
      "Turborepo monorepo tooling",
    ]);
    expect(ctx.files_read).toEqual([
      "package.json",
      ".prettierrc",
      "eslint.config.js",
      "apps/api/package.json",
      "apps/web/package.json",
      "packages/ui/package.json",
    ]);
  });

  it("orders frameworks of the main language first in a mixed repository", async () => {
    const ctx = await extractContext(
      repo({
        "package.json": JSON.stringify({ devDependencies: { vite: "5", react: "18.2.0" } }),
        "requirements.txt": "flask==3.0.2\n",
        "server/app.py": "x".repeat(5000),
        "web/main.jsx": "x".repeat(100),
      }),
    );
    expect(ctx.language?.value).toBe("Python");
    expect(ctx.framework?.value).toBe("Flask 3.0.2, React 18.2.0");
  });
});

describe("README readers", () => {
  it("takes the description after badges and HTML, the outline, and falls back to the manifest", async () => {
    const withReadme = await extractContext(
      repo({
        "README.md": `<p align="center"><img src="x.png"></p>

# Tool

[![ci](https://x/badge.svg)](https://x)

Short.

A *longer* paragraph about [the tool](https://x) that explains what it does for its users.

## Install
## Usage
`,
        "CONTRIBUTING.md": "",
      }),
    );
    expect(withReadme.description?.value).toBe(
      "A longer paragraph about the tool that explains what it does for its users.",
    );
    expect(withReadme.documentation).toEqual({
      value: "README.md sections: Install, Usage\nAlso: CONTRIBUTING.md",
      source: "README.md, CONTRIBUTING.md",
    });
    const fromManifest = await extractContext(
      repo({ "Cargo.toml": '[package]\ndescription = "A crate."\nedition = "2021"\n' }),
    );
    expect(fromManifest.description).toEqual({ value: "A crate.", source: "Cargo.toml" });
  });

  it("reads an RST README", async () => {
    const ctx = await extractContext(
      repo({ "README.rst": "Tool\n====\n\nThe tool converts reStructuredText readmes fine.\n\nInstall\n-------\n" }),
    );
    expect(ctx.description?.value).toBe("The tool converts reStructuredText readmes fine.");
    expect(ctx.documentation?.value).toBe("README.rst sections: Install");
  });
});
