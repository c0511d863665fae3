/**
 * One section of the dashboard's deadlines ("mes échéances", the cabinet's, the optional remedies):
 * its urgency groups, the less urgent folded, each with its own pages when it has more than a page.
 * Folding uses <details>: no script (the CSP forbids inline script), and it works with the keyboard.
 */
import type { Messages } from '../messages.js';
import { fill } from '../messages.js';
import type { DashboardMessages } from '../dashboardMessages.js';
import type { Chrome, DeadlineGroup, DeadlineSection } from '../viewModels.js';
import { DeadlineList } from './deadlineList.js';

interface Props {
  section: DeadlineSection;
  m: Messages;
  d: DashboardMessages;
  chrome: Chrome;
  now: Date;
}

export function DeadlineSectionView({ section, m, d, chrome, now }: Props) {
  const titleId = `s-${section.id}`;
  const groups = section.groups.map((g) => <GroupView section={section.id} group={g} m={m} d={d} chrome={chrome} now={now} />);
  if (section.id === 'optional') {
    // Apart and folded: nothing in it decides the case (domain/ceseda/optionalRemedies.ts).
    if (section.total === 0) return null;
    const open = section.groups.some((g) => !g.collapsed);
    return (
      <details class="deadline-section optional" open={open}>
        <summary>
          <h3 id={titleId}>
            {d.optional} <span class="count">({section.total})</span>
          </h3>
        </summary>
        <p class="hint">{d.optionalIntro}</p>
        {groups}
      </details>
    );
  }
  return (
    <section class={`deadline-section ${section.id}`} aria-labelledby={titleId}>
      <h3 id={titleId}>
        {d[section.id]} <span class="count">({section.total})</span>
      </h3>
      {section.total === 0 ? <p>{section.id === 'mine' ? d.noneMine : d.noneCabinet}</p> : groups}
    </section>
  );
}

function GroupView({ section, group, m, d, chrome, now }: { section: string; group: DeadlineGroup } & Omit<Props, 'section'>) {
  const id = `g-${section}-${group.urgency}`;
  const title = (
    <h4 id={id}>
      {m[group.urgency]} <span class="count">({group.total})</span>
    </h4>
  );
  const body = (
    <>
      <DeadlineList items={group.items} m={m} chrome={chrome} now={now} />
      {group.pages > 1 ? <GroupPages section={section} group={group} d={d} label={m[group.urgency]} /> : null}
    </>
  );
  return group.collapsed ? (
    <details class={`urgency ${group.urgency}`}>
      <summary>{title}</summary>
      {body}
    </details>
  ) : (
    <section class={`urgency ${group.urgency}`} aria-labelledby={id}>
      {title}
      {body}
    </section>
  );
}

function GroupPages({ section, group, d, label }: { section: string; group: DeadlineGroup; d: DashboardMessages; label: string }) {
  const href = (page: number) => `/?groupe=${section}-${group.urgency}&page=${page}#g-${section}-${group.urgency}`;
  const from = (group.page - 1) * group.pageSize + 1;
  return (
    <nav class="pagination group-pages" aria-label={fill(d.groupPages, { group: `${d[section as 'mine']} — ${label}` })}>
      {group.page > 1 ? <a href={href(group.page - 1)}>{d.earlier}</a> : <span />}
      <span>{fill(d.groupRange, { from, to: from + group.items.length - 1, total: group.total })}</span>
      {group.page < group.pages ? <a href={href(group.page + 1)}>{d.later}</a> : <span />}
    </nav>
  );
}
