// Rust: Cargo.toml (package, dependencies, workspace), rustfmt.toml, clippy.toml.
import { type Findings, isRecord, named, type Repo, str, strings, versionOf } from "./repo.js";

const FRAMEWORKS: [string, string][] = [
  ["axum", "Axum"],
  ["actix-web", "Actix Web"],
  ["rocket", "Rocket"],
  ["warp", "warp"],
  ["poem", "Poem"],
  ["tauri", "Tauri"],
  ["leptos", "Leptos"],
  ["yew", "Yew"],
  ["bevy", "Bevy"],
  ["tokio", "Tokio"],
  ["clap", "clap"],
];
const TESTS: [string, string][] = [
  ["rstest", "rstest"],
  ["proptest", "proptest"],
  ["insta", "insta"],
  ["criterion", "Criterion"],
];

export const RUST_READS = ["Cargo.toml", "rustfmt.toml", ".rustfmt.toml", "clippy.toml", "src/lib.rs", "src/main.rs"];

function depVersion(spec: unknown): string | undefined {
  return versionOf(isRecord(spec) ? spec.version : spec);
}

export function readRust(repo: Repo, out: Findings): void {
  const cargo = repo.has("Cargo.toml") ? repo.toml("Cargo.toml") : undefined;
  if (!cargo) return;
  const all: Record<string, unknown> = {};
  const workspace = isRecord(cargo.workspace) ? cargo.workspace : {};
  for (const block of [cargo.dependencies, cargo["dev-dependencies"], workspace.dependencies]) {
    if (isRecord(block)) for (const [k, v] of Object.entries(block)) if (!(k in all)) all[k] = v;
  }
  for (const [crate, name] of FRAMEWORKS) {
    if (crate in all)
      out.frameworks.push({ value: named(name, depVersion(all[crate])), source: "Cargo.toml", ecosystem: "rust" });
  }
  const unitTests = ["src/lib.rs", "src/main.rs"].filter((p) => /#\[cfg\(test\)\]/.test(repo.text(p) ?? ""));
  const integration = repo.files.some((f) => /^tests\/[^/]+\.rs$/.test(f.path));
  if (unitTests.length > 0 || integration)
    out.tests.push({ value: "cargo test", source: "Cargo.toml", ecosystem: "rust" });
  for (const [crate, name] of TESTS) {
    if (crate in all)
      out.tests.push({ value: named(name, depVersion(all[crate])), source: "Cargo.toml", ecosystem: "rust" });
  }
  for (const path of unitTests)
    out.testPatterns.push({ value: `#[cfg(test)] unit-test module in ${path}`, source: path });

  const pkg = isRecord(cargo.package) ? cargo.package : {};
  const desc = str(pkg.description);
  if (desc) out.descriptions.push({ value: desc, source: "Cargo.toml" });
  const edition = str(pkg.edition) ?? (typeof pkg.edition === "number" ? String(pkg.edition) : undefined);
  if (edition) out.conventions.push({ value: `Rust edition ${edition}`, source: "Cargo.toml" });
  const msrv = str(pkg["rust-version"]);
  if (msrv) out.conventions.push({ value: `Minimum Rust version ${msrv}`, source: "Cargo.toml" });
  const members = strings(workspace.members);
  if (members.length)
    out.patterns.push({ value: `Cargo workspace: ${members.slice(0, 10).join(", ")}`, source: "Cargo.toml" });
  if (repo.has("src/main.rs")) out.patterns.push({ value: "Binary crate (src/main.rs)", source: "src/main.rs" });
  if (repo.has("src/lib.rs")) out.patterns.push({ value: "Library crate (src/lib.rs)", source: "src/lib.rs" });

  const fmtPath = repo.first("rustfmt.toml", ".rustfmt.toml");
  if (fmtPath) {
    const fmt = repo.toml(fmtPath) ?? {};
    const bits = Object.entries(fmt)
      .filter(([, v]) => typeof v !== "object")
      .slice(0, 6)
      .map(([k, v]) => `${k} = ${String(v)}`);
    out.conventions.push({ value: `rustfmt${bits.length ? `: ${bits.join(", ")}` : ""}`, source: fmtPath });
  }
  if (repo.has("clippy.toml")) {
    const clippy = repo.toml("clippy.toml") ?? {};
    const bits = Object.entries(clippy)
      .filter(([, v]) => typeof v !== "object")
      .slice(0, 6)
      .map(([k, v]) => `${k} = ${String(v)}`);
    out.conventions.push({ value: `Clippy lints${bits.length ? `: ${bits.join(", ")}` : ""}`, source: "clippy.toml" });
  }
}
