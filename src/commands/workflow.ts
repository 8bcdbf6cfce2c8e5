/** The workflow of every programme: stages and guards, claims, tasks, reports, closure, panels, acceptance, ratings, selections, brands. */
export * from './workspace.js';
export * from '../domain/guards.js';
export * from '../domain/obligations.js';
export * from '../domain/ratings.js';
export * from './advance.js';
export * from './claim.js';
export * from './tasks.js';
export * from './reports.js';
export * from './closure.js';
export * from './panel.js';
export * from './acceptance.js';
export * from './rating.js';
export * from './selection.js';
export * from './brands.js';
