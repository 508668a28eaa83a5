/**
 * SARIF 2.1.0 for GitHub code scanning (upload with github/codeql-action/upload-sarif). One result
 * per finding of the new migrations, at the statement's position; suppressed findings carry a
 * SARIF suppression so code scanning shows them as dismissed rather than dropping them.
 */
import type { Report, Severity } from './types';
import { locateFindings } from './markdown/findings';
import { redact } from '../util/secrets';

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}

interface SarifRun {
  tool: { driver: { name: string; version: string; rules: SarifRule[] } };
  results: SarifResult[];
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  defaultConfiguration: { level: SarifLevel };
}

type SarifLevel = 'error' | 'warning' | 'note';

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: string };
      region: { startLine: number; endLine: number; startColumn?: number };
    };
  }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: 'inSource' | 'external'; justification: string }[];
}

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

export function toSarif(report: Report): SarifLog {
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const results: SarifResult[] = [];
  for (const f of locateFindings(report)) {
    const { finding } = f;
    if (!ruleIndex.has(finding.rule)) {
      ruleIndex.set(finding.rule, rules.length);
      rules.push({
        id: finding.rule,
        name: finding.rule,
        shortDescription: { text: finding.rule },
        defaultConfiguration: { level: LEVEL[finding.severity] },
      });
    }
    const text = redact(finding.suggestion ? `${finding.message}\n\nSafe alternative:\n${finding.suggestion}` : finding.message);
    const result: SarifResult = {
      ruleId: finding.rule,
      ruleIndex: ruleIndex.get(finding.rule)!,
      level: LEVEL[finding.severity],
      message: { text },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: f.path, uriBaseId: '%SRCROOT%' },
            region: { startLine: f.line, endLine: Math.max(f.line, f.endLine), ...(f.column ? { startColumn: f.column } : {}) },
          },
        },
      ],
      // Code scanning matches results across runs by fingerprint; the id survives line shifts.
      partialFingerprints: { 'drydockFindingId/v1': f.id },
    };
    if (finding.suppressed) {
      result.suppressions = [
        { kind: finding.suppressed.by === 'ignore' ? 'inSource' : 'external', justification: redact(finding.suppressed.reason) },
      ];
    }
    results.push(result);
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'drydock', version: report.tool.version, rules } },
        results,
      },
    ],
  };
}
