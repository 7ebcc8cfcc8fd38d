// @ts-check
/**
 * The files of the plan's caches (compile-cache.js's transpiled TypeScript, code-cache.js's V8 code):
 * written so that a concurrent plan reads a whole entry or none, and pruned when unused for a week.
 * Plain JavaScript, loaded before any TypeScript can be.
 */
"use strict";
const fs = require("fs");
const path = require("path");

/** Entries not written for this long are removed when a new one is written. */
const STALE_MS = 7 * 24 * 3600 * 1000;
/** Cache folders made (and pruned) by this process. */
const made = new Set();

/**
 * Writes `data` to a private file and renames it into place as `entry` in `dir`; the first write to a
 * folder in a process makes it and removes its stale entries. A read-only checkout still runs: the
 * entry is simply made again next time.
 * @param {string} dir
 * @param {string} entry
 * @param {string | Buffer} data
 */
function writeEntry(dir, entry, data) {
    try {
        if (!made.has(dir)) {
            fs.mkdirSync(dir, { recursive: true });
            made.add(dir);
            removeStale(dir);
        }
        const tmp = `${entry}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
        fs.writeFileSync(tmp, data);
        fs.renameSync(tmp, entry);
    } catch {
        // Not writable: compiled again next time.
    }
}

/** @param {string} dir */
function removeStale(dir) {
    for (const name of fs.readdirSync(dir)) {
        const file = path.join(dir, name);
        try {
            if (Date.now() - fs.statSync(file).mtimeMs > STALE_MS) {
                fs.rmSync(file, { force: true });
            }
        } catch {
            // Removed meanwhile by another plan.
        }
    }
}

module.exports = { writeEntry };
