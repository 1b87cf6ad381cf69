/** Tests are compiled by `tsc` (npm test runs the build first) and run as plain JavaScript. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/bin/tests"],
  testMatch: ["**/*.test.js"],
  testTimeout: 60000,
  maxWorkers: 2,
};
