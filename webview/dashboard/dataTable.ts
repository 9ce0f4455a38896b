/**
 * The plain tables the dashboard offers beside its charts (screen readers, exact values) and the
 * comparison table: a caption, a header row of column names, rows of text cells.
 */

/** `<thead>` with one `<th scope="col">` per column name. */
export function tableHead(columns: readonly string[]): HTMLTableSectionElement {
  const head = document.createElement('tr');
  for (const text of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = text;
    head.append(th);
  }
  const thead = document.createElement('thead');
  thead.append(head);
  return thead;
}

/** Appends one `<td>` per text to `row` (which may already hold a row header) and returns it. */
export function appendCells(row: HTMLTableRowElement, cells: readonly string[]): HTMLTableRowElement {
  for (const text of cells) {
    const td = document.createElement('td');
    td.textContent = text;
    row.append(td);
  }
  return row;
}

/** Replaces `table`'s content with a caption, the header row and one row of text cells per entry. */
export function fillTextTable(table: HTMLTableElement, caption: string, columns: readonly string[], rows: Iterable<readonly string[]>): void {
  const captionElement = document.createElement('caption');
  captionElement.textContent = caption;
  const tbody = document.createElement('tbody');
  for (const cells of rows) tbody.append(appendCells(document.createElement('tr'), cells));
  table.replaceChildren(captionElement, tableHead(columns), tbody);
}

/**
 * Shows or hides `el`, writing only on a change: a redundant write still invalidates style, and the
 * next read of a size would then force a layout of the whole page in the middle of a frame.
 */
export function setHidden(el: HTMLElement, hidden: boolean): void {
  if (el.hidden !== hidden) el.hidden = hidden;
}
