import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';

/**
 * One page of a server-paged list (pageNumber ≥ 1, pageSize 1–100). The previous page stays on
 * screen while the next loads, so the table does not flash a spinner on every page turn.
 * `queryKey` names the list and its filters; the page and page size are appended to it, so
 * invalidating the key's prefix refreshes every page.
 */
export function usePagedQuery<R extends { totalCount: number }>({
  queryKey,
  fetch,
  perPage: initialPerPage = 20,
  refetchInterval,
}: {
  queryKey: readonly unknown[];
  fetch: (pageNumber: number, pageSize: number) => Promise<R>;
  perPage?: number;
  refetchInterval?: number | false | ((data: R | undefined) => number | false);
}) {
  const [page, setPage] = useState(1);
  const [perPage, setPerPage] = useState(initialPerPage);
  // Another filter (region, account, status…) starts again at its first page: page 5 of the old
  // filter may not exist in the new one. Set during render, React's way for state derived from props.
  const filterKey = JSON.stringify(queryKey);
  const [shownFilter, setShownFilter] = useState(filterKey);
  if (shownFilter !== filterKey) {
    setShownFilter(filterKey);
    setPage(1);
  }
  const query = useQuery({
    queryKey: [...queryKey, page, perPage],
    queryFn: () => fetch(page, perPage),
    placeholderData: keepPreviousData,
    refetchInterval:
      typeof refetchInterval === 'function' ? (q) => refetchInterval(q.state.data) : refetchInterval,
  });
  return {
    query,
    /** Props for `Pager`. */
    pager: {
      total: query.data?.totalCount ?? 0,
      page,
      perPage,
      onChange: (p: number, pp: number) => {
        setPage(p);
        setPerPage(pp);
      },
    },
  };
}
