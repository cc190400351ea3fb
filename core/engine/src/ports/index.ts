export * from './store';
export * from './image-source';
