// A vitest reporter that keeps, in a small JSON file, the test files running now and the tally of those that
// have finished. scripts/test-all.mjs reads it only when it had to stop vitest (it ran past its time budget):
// vitest's JSON report is written at the very end, so without this a hung run would leave no account of what
// passed, what failed, or which file never finished.
import { writeFileSync } from 'node:fs';

export const PROGRESS_FILE = '.vitest-progress.json';

export default class ProgressReporter {
  #running = new Map();
  #tally = { passed: 0, failed: 0, skipped: 0 };
  #failed = [];

  onTestModuleStart(testModule) {
    this.#running.set(testModule.moduleId, { file: testModule.relativeModuleId, since: Date.now() });
    this.#write();
  }

  onTestModuleEnd(testModule) {
    this.#running.delete(testModule.moduleId);
    let failedTests = 0;
    for (const test of testModule.children.allTests()) {
      const { state } = test.result();
      if (state === 'passed') this.#tally.passed += 1;
      else if (state === 'failed') {
        this.#tally.failed += 1;
        failedTests += 1;
        this.#failed.push(`${testModule.relativeModuleId} › ${test.fullName}`);
      } else if (state === 'skipped') this.#tally.skipped += 1;
    }
    // A file that failed to load or whose hooks failed has no failed test to count: count the file.
    if (testModule.state() === 'failed' && failedTests === 0) {
      this.#tally.failed += 1;
      this.#failed.push(`${testModule.relativeModuleId} (the file failed outside its tests)`);
    }
    this.#write();
  }

  #write() {
    const running = [...this.#running.values()];
    writeFileSync(PROGRESS_FILE, JSON.stringify({ ...this.#tally, failedTests: this.#failed, running }));
  }
}
