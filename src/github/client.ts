/**
 * The one place that builds the GitHub client: @actions/github's Octokit (REST methods,
 * pagination, proxy support, GITHUB_API_URL as base URL) plus the retry and throttling plugins.
 */
import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface ClientOptions {
  /** Defaults to GITHUB_API_URL, then https://api.github.com. */
  baseUrl?: string;
  /** Retries of 5xx and rate-limited requests (tests lower it). */
  retries?: number;
}

export function createGitHubClient(token: string, options: ClientOptions = {}): GitHubClient {
  core.setSecret(token);
  const retries = options.retries ?? 3;
  return getOctokit(
    token,
    {
      baseUrl: options.baseUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com',
      // plugin-retry's own option: a per-request `request.retries` would retry 4xx answers too.
      retry: { retries },
      throttle: {
        onRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
          core.warning(`GitHub rate limit hit on ${request.method} ${request.url}; retrying in ${retryAfter}s`);
          return retryCount < retries;
        },
        onSecondaryRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
          core.warning(`GitHub secondary rate limit on ${request.method} ${request.url}; retrying in ${retryAfter}s`);
          return retryCount < retries;
        },
      },
    },
    retry,
    throttling,
  );
}

/** The HTTP status of an Octokit error, if it is one. */
export function httpStatus(error: unknown): number | null {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : null;
}

/**
 * 403/404 on a write: the token lacks the permission (fork PRs get a read-only token), or the
 * integration is not allowed the resource. The caller falls back instead of failing.
 */
export function isPermissionError(error: unknown): boolean {
  const status = httpStatus(error);
  return status === 403 || status === 404;
}
