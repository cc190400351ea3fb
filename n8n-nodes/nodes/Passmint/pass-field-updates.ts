import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { FIELD_ROW_NAMES } from './descriptions/pass-body-fields';
import { passmintRequest, withPassmintCode } from './passmint-request';

export interface FieldUpdate {
	key: string;
	value: string;
}

/**
 * Update Fields: one new pass version (one push, one `pass.updated`) whatever the number of rows.
 * One row goes to `PATCH …/fields/<key>`, which the server applies atomically. Several rows cannot
 * go in one call of that endpoint, and field rows are arrays, which a merge patch replaces whole:
 * so the pass is read, the rows are changed in their sections, and only the sections touched are
 * sent back as one merge patch. A change made to those sections between the read and the patch is
 * lost; the rest of the pass is not touched.
 */
export async function updatePassFields(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<IDataObject> {
	const serialNumber = context.getNodeParameter('serialNumber', itemIndex) as string;
	const path = `/api/passes/${encodeURIComponent(serialNumber)}`;
	const updates = fieldUpdatesOf(context, itemIndex);
	const changeMessage = context.getNodeParameter('changeMessage', itemIndex, '') as string;
	if (updates.length === 1) {
		const [{ key, value }] = updates as [FieldUpdate];
		const body: IDataObject = { value, ...(changeMessage ? { changeMessage } : {}) };
		return (await passmintRequest(
			context,
			{ method: 'PATCH', path: `${path}/fields/${encodeURIComponent(key)}`, body },
			itemIndex,
		)) as IDataObject;
	}
	const pass = (await passmintRequest(context, { method: 'GET', path }, itemIndex)) as IDataObject;
	const patch = fieldsMergePatch((pass.body ?? {}) as IDataObject, updates, changeMessage);
	if ('missing' in patch) {
		throw withPassmintCode(
			new NodeOperationError(
				context.getNode(),
				`The pass has no field with the key ${patch.missing.map((key) => `"${key}"`).join(', ')}`,
				{
					itemIndex,
					description: `Its fields' keys: ${patch.known.join(', ') || 'none'}. Get shows them as body.headerFields[i].key and so on.`,
				},
			),
			'field_not_found',
		);
	}
	return (await passmintRequest(
		context,
		{ method: 'PATCH', path, body: patch.sections, contentType: 'application/merge-patch+json' },
		itemIndex,
	)) as IDataObject;
}

function fieldUpdatesOf(context: IExecuteFunctions, itemIndex: number): FieldUpdate[] {
	const collection = context.getNodeParameter('fieldUpdates', itemIndex, {}) as {
		field?: IDataObject[];
	};
	const updates = (collection.field ?? []).map((row) => ({
		key: String(row.key ?? '').trim(),
		value: String(row.value ?? ''),
	}));
	const problem =
		updates.length === 0
			? 'Add at least one field to update'
			: updates.some((update) => update.key === '')
				? 'Every field to update needs its key'
				: new Set(updates.map((update) => update.key)).size < updates.length
					? 'A key is given twice in Fields to Update'
					: null;
	if (problem) throw new NodeOperationError(context.getNode(), problem, { itemIndex });
	return updates;
}

/**
 * The merge patch that sets the rows' values: the touched sections, whole, with the other rows as
 * they were. `missing` lists keys no row of the body has, and `known` the keys it has.
 */
export function fieldsMergePatch(
	body: IDataObject,
	updates: FieldUpdate[],
	changeMessage: string,
): { sections: IDataObject } | { missing: string[]; known: string[] } {
	const byKey = new Map(updates.map((update) => [update.key, update]));
	const found = new Set<string>();
	const known: string[] = [];
	const sections: IDataObject = {};
	for (const group of FIELD_ROW_NAMES) {
		const rows = Array.isArray(body[group]) ? (body[group] as IDataObject[]) : [];
		let touched = false;
		const updated = rows.map((row) => {
			const key = typeof row.key === 'string' ? row.key : '';
			known.push(key);
			const update = byKey.get(key);
			if (!update) return row;
			found.add(key);
			touched = true;
			return { ...row, value: update.value, ...(changeMessage ? { changeMessage } : {}) };
		});
		if (touched) sections[group] = updated;
	}
	const missing = updates.map((update) => update.key).filter((key) => !found.has(key));
	return missing.length > 0 ? { missing, known: known.filter(Boolean) } : { sections };
}
