/** Every layout drydock knows, in the order ties in detection confidence are broken. */
import type { LayoutName } from '../../report/types';
import { dbmateLayout } from './dbmate';
import { dieselLayout } from './diesel';
import { flywayLayout } from './flyway';
import { golangMigrateLayout } from './golang-migrate';
import type { Layout } from './layout';
import { plainLayout } from './plain';
import { prismaLayout } from './prisma';
import { sqitchLayout } from './sqitch';
import { supabaseLayout } from './supabase';

export const LAYOUTS: readonly Layout[] = [
  sqitchLayout,
  supabaseLayout,
  prismaLayout,
  dieselLayout,
  flywayLayout,
  golangMigrateLayout,
  dbmateLayout,
  plainLayout,
];

export function layoutByName(name: LayoutName): Layout | undefined {
  return LAYOUTS.find((l) => l.name === name);
}
