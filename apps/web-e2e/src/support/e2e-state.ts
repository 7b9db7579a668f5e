/** The environment variable through which global setup hands the app's address to the tests. */
export const E2E_BASE_URL = 'E2E_WEB_URL';

/** The address of the API (which also serves the web app), as global setup started it. */
export function baseUrl(): string {
  const url = process.env[E2E_BASE_URL];
  if (!url) throw new Error(`${E2E_BASE_URL} is not set: run through the web-e2e Jest config`);
  return url;
}
