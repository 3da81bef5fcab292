// Administration -> Search engine (the Meilisearch outbox, health and rebuilds).
export const es = {
  'admin.search': 'Motor de búsqueda',
  'admin.search.engine': 'Motor',
  'admin.search.engine.fts5': 'SQLite FTS5, en la misma base de datos',
  'admin.search.engine.meilisearch': 'Meilisearch en {host}',
  'admin.search.fts5.note':
    'El índice integrado se actualiza en la misma transacción que los datos: no hay nada pendiente. Para pasar a Meilisearch, vea la sección de despliegue del README.',
  'admin.search.status': 'Estado',
  'admin.search.status.ok': 'Meilisearch responde y está al día.',
  'admin.search.status.degraded':
    'Meilisearch no está al día o no responde: las búsquedas se contestan con el índice integrado (FTS5), con los mismos resultados, hasta que se ponga al día.',
  'admin.search.problems': 'Problemas detectados',
  'admin.search.documents': 'Aseguramientos en el índice de Meilisearch',
  'admin.search.documents.value': '{indexed} de {total} en la base de datos',
  'admin.search.documents.unknown': 'desconocido (Meilisearch no respondió)',
  'admin.search.backlog': 'Cambios pendientes de enviar',
  'admin.search.backlog.none': 'Ninguno',
  'admin.search.backlog.value': '{count}, el más antiguo del {since}',
  'admin.search.failing': 'Envíos fallidos',
  'admin.search.failing.value': '{count}; próximo intento: {next}',
  'admin.search.lastError': 'Último error',
  'admin.search.kind': 'Tipo',
  'admin.search.kind.seizure': 'Aseguramientos',
  'admin.search.kind.thread_post': 'Publicaciones de los foros',
  'admin.search.rebuild': 'Reconstrucción del índice',
  'admin.search.rebuild.running':
    'En curso desde el {since}: {done} de {total} documentos. El índice actual sigue respondiendo hasta el cambio.',
  'admin.search.rebuild.stale':
    'Interrumpida el {since} ({done} de {total}): el índice actual no cambió. El proceso de sincronización o el próximo «npm run search:reindex» limpian el índice a medio construir.',
  'admin.search.rebuild.progress': 'Progreso de la reconstrucción',
  'admin.search.pushNow': 'Enviar ahora los cambios pendientes',
  'admin.search.pushed': 'Enviados: {pushed}. Fallidos: {failed}.',
  'admin.search.pushFailed': 'No se pudo enviar: {error}',
  'admin.search.help':
    'Desde la línea de comandos: «npm run search:sync» envía lo pendiente; «npm run search:reindex» construye un índice nuevo y lo intercambia con el actual sin interrumpir las búsquedas.',
} as const satisfies Record<string, string>;

export const en: Record<keyof typeof es, string> = {
  'admin.search': 'Search engine',
  'admin.search.engine': 'Engine',
  'admin.search.engine.fts5': 'SQLite FTS5, in the same database',
  'admin.search.engine.meilisearch': 'Meilisearch at {host}',
  'admin.search.fts5.note':
    'The embedded index is updated in the same transaction as the data: nothing is ever pending. To move to Meilisearch, see the deployment section of the README.',
  'admin.search.status': 'Status',
  'admin.search.status.ok': 'Meilisearch answers and is up to date.',
  'admin.search.status.degraded':
    'Meilisearch is behind or not answering: searches are answered by the embedded index (FTS5), with the same results, until it catches up.',
  'admin.search.problems': 'Problems found',
  'admin.search.documents': 'Seizures in the Meilisearch index',
  'admin.search.documents.value': '{indexed} of {total} in the database',
  'admin.search.documents.unknown': 'unknown (Meilisearch did not answer)',
  'admin.search.backlog': 'Changes waiting to be pushed',
  'admin.search.backlog.none': 'None',
  'admin.search.backlog.value': '{count}, the oldest from {since}',
  'admin.search.failing': 'Failed pushes',
  'admin.search.failing.value': '{count}; next attempt: {next}',
  'admin.search.lastError': 'Last error',
  'admin.search.kind': 'Kind',
  'admin.search.kind.seizure': 'Seizures',
  'admin.search.kind.thread_post': 'Forum posts',
  'admin.search.rebuild': 'Index rebuild',
  'admin.search.rebuild.running': 'Running since {since}: {done} of {total} documents. The current index keeps answering until the swap.',
  'admin.search.rebuild.stale':
    'Interrupted on {since} ({done} of {total}): the current index did not change. The sync worker or the next "npm run search:reindex" removes the half-built index.',
  'admin.search.rebuild.progress': 'Rebuild progress',
  'admin.search.pushNow': 'Push pending changes now',
  'admin.search.pushed': 'Pushed: {pushed}. Failed: {failed}.',
  'admin.search.pushFailed': 'Could not push: {error}',
  'admin.search.help':
    'From the command line: "npm run search:sync" pushes what is pending; "npm run search:reindex" builds a new index and swaps it with the current one without interrupting searches.',
};
