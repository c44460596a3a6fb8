// Ruby (Gemfile, .ruby-version, .rubocop.yml) and PHP (composer.json, phpunit.xml).
import { type Findings, isRecord, named, type Repo, str, strings, versionOf } from "./repo.js";

export const RUBY_PHP_READS = ["Gemfile", ".ruby-version", ".rubocop.yml", "composer.json"];

const GEM_FRAMEWORKS: [string, string][] = [
  ["rails", "Rails"],
  ["sinatra", "Sinatra"],
  ["hanami", "Hanami"],
  ["roda", "Roda"],
  ["grape", "Grape"],
];
const GEM_TESTS: [string, string][] = [
  ["rspec-rails", "RSpec"],
  ["rspec", "RSpec"],
  ["minitest", "Minitest"],
  ["cucumber", "Cucumber"],
  ["capybara", "Capybara"],
];
const COMPOSER_FRAMEWORKS: [string, string][] = [
  ["laravel/framework", "Laravel"],
  ["symfony/framework-bundle", "Symfony"],
  ["slim/slim", "Slim"],
  ["cakephp/cakephp", "CakePHP"],
  ["yiisoft/yii2", "Yii"],
  ["laminas/laminas-mvc", "Laminas"],
];
const COMPOSER_TESTS: [string, string][] = [
  ["pestphp/pest", "Pest"],
  ["phpunit/phpunit", "PHPUnit"],
];

export function parseGemfile(text: string): Map<string, string | undefined> {
  const gems = new Map<string, string | undefined>();
  for (const m of text.matchAll(/^\s*gem\s+["']([\w.-]+)["'](?:\s*,\s*["']([^"']+)["'])?/gm)) {
    if (!gems.has(m[1])) gems.set(m[1], versionOf(m[2]));
  }
  return gems;
}

export function readRuby(repo: Repo, out: Findings): void {
  const gemfile = repo.text("Gemfile");
  if (gemfile === null) return;
  const gems = parseGemfile(gemfile);
  for (const [gem, name] of GEM_FRAMEWORKS) {
    if (gems.has(gem)) out.frameworks.push({ value: named(name, gems.get(gem)), source: "Gemfile", ecosystem: "ruby" });
  }
  const seen = new Set<string>();
  for (const [gem, name] of GEM_TESTS) {
    if (!gems.has(gem) || seen.has(name)) continue;
    seen.add(name);
    out.tests.push({ value: named(name, gems.get(gem)), source: "Gemfile", ecosystem: "ruby" });
  }
  if (seen.size === 0 && gems.has("rails") && repo.dirs.has("test")) {
    out.tests.push({ value: "Minitest", source: "Gemfile", ecosystem: "ruby" });
  }
  const ruby = /^\s*ruby\s+["']([^"']+)["']/m.exec(gemfile)?.[1] ?? repo.text(".ruby-version")?.trim();
  if (ruby)
    out.conventions.push({ value: `Ruby ${ruby}`, source: /^\s*ruby\s/m.test(gemfile) ? "Gemfile" : ".ruby-version" });
  if (repo.has(".rubocop.yml")) {
    const cfg = repo.yaml(".rubocop.yml");
    const plugins = [...strings(cfg?.plugins), ...strings(cfg?.require)];
    const target = isRecord(cfg?.AllCops) ? cfg.AllCops.TargetRubyVersion : undefined;
    const bits = [
      ...(plugins.length ? [`plugins ${plugins.join(", ")}`] : []),
      ...(target !== undefined ? [`target Ruby ${String(target)}`] : []),
    ];
    out.conventions.push({ value: `RuboCop${bits.length ? `: ${bits.join(", ")}` : ""}`, source: ".rubocop.yml" });
  }
  if (gems.has("rails") && repo.dirs.has("app")) {
    const parts = ["models", "controllers", "views", "jobs", "services"].filter((d) => repo.dirs.has(`app/${d}`));
    out.patterns.push({ value: `Rails app/ layout${parts.length ? `: ${parts.join(", ")}` : ""}`, source: "app/" });
  }
}

export function readPhp(repo: Repo, out: Findings): void {
  const composer = repo.has("composer.json") ? repo.json("composer.json") : undefined;
  if (!composer) return;
  const req = {
    ...(isRecord(composer["require-dev"]) ? composer["require-dev"] : {}),
    ...(isRecord(composer.require) ? composer.require : {}),
  };
  for (const [pkg, name] of COMPOSER_FRAMEWORKS) {
    if (pkg in req)
      out.frameworks.push({ value: named(name, versionOf(req[pkg])), source: "composer.json", ecosystem: "php" });
  }
  for (const [pkg, name] of COMPOSER_TESTS) {
    if (pkg in req)
      out.tests.push({ value: named(name, versionOf(req[pkg])), source: "composer.json", ecosystem: "php" });
  }
  const php = str(req.php);
  if (php) out.conventions.push({ value: `PHP ${php}`, source: "composer.json" });
  for (const [pkg, name] of [
    ["friendsofphp/php-cs-fixer", "PHP-CS-Fixer"],
    ["squizlabs/php_codesniffer", "PHP_CodeSniffer"],
    ["phpstan/phpstan", "PHPStan"],
    ["vimeo/psalm", "Psalm"],
  ]) {
    if (pkg in req) out.conventions.push({ value: name, source: "composer.json" });
  }
  const autoload =
    isRecord(composer.autoload) && isRecord(composer.autoload["psr-4"]) ? composer.autoload["psr-4"] : undefined;
  if (autoload) {
    const maps = Object.entries(autoload)
      .slice(0, 4)
      .map(([ns, dir]) => `${ns} → ${String(dir)}`);
    out.conventions.push({ value: `PSR-4 autoloading: ${maps.join(", ")}`, source: "composer.json" });
  }
  const desc = str(composer.description);
  if (desc) out.descriptions.push({ value: desc, source: "composer.json" });
}
