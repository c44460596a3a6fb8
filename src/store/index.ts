// Public surface of the persistence layer.
export { type AuditRecord, AuditRepository } from "./audit.js";
export type { Clock } from "./context.js";
export { CredentialRepository, type StoredCredential } from "./credentials.js";
export type { Database } from "./database.js";
export { isStoreError, StoreError, type StoreErrorCode } from "./errors.js";
export { migrateToLatest, pendingMigrations, ping } from "./migrations.js";
export type {
  Breakdown,
  OptimizationListOptions,
  OptimizationSort,
  OptimizationStats,
  Page,
  SortOrder,
} from "./optimization-list.js";
export { MAX_PER_PAGE, OPTIMIZATION_SORTS } from "./optimization-list.js";
export type { NewOptimization, OptimizationPatch } from "./optimization-rows.js";
export type { ImportOutcome, UpdateOptions, UpdateOutcome } from "./optimizations.js";
export { OptimizationRepository } from "./optimizations.js";
export type { NewProject, ProjectListOptions, ProjectPatch, ProjectSummary, ProjectUpdateOptions } from "./projects.js";
export { ProjectRepository } from "./projects.js";
export type { NewPrompt, PromptPatch } from "./prompts.js";
export { PromptRepository } from "./prompts.js";
export type { OptimizationFilter, SearchFilters, SearchIndex, SearchMatch, SearchPlan } from "./search.js";
export { RANK_WINDOW, sqliteSearch } from "./search-sqlite.js";
export { SettingsRepository } from "./settings.js";
export { type CreateStoreOptions, createStore, type OpenStoreOptions, openStore, type Store } from "./store.js";
export { type SyntheticOptions, seedSyntheticHistory } from "./synthetic.js";
